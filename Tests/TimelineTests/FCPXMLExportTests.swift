import Testing
import Timeline

@Suite("FCPXML")
struct FCPXMLExportTests {
    @Test("rational seconds of whole frames at the rate; an NTSC frame is 1001/24000s", arguments: [
        (0, TimelineRate.fps24, "0s"), (1, .fps24, "1/24s"), (125, .fps25, "125/25s"), (29, .fps25, "29/25s"),
        (1_799, .fps30, "1799/30s"), (1, .fps23_976, "1001/24000s"), (125, .fps23_976, "125125/24000s"),
        (2, .fps29_97, "2002/30000s"), (3, .fps59_94, "3003/60000s"),
    ])
    func time(frames: Int, rate: TimelineRate, expected: String) {
        #expect(FCPXMLExport.time(frames, rate: rate) == expected)
    }

    @Test("a 23 fps cut is a 23.976 fps sequence: frame duration 1001/24000s, every item at whole frames of it")
    func ntsc() {
        let xml = FCPXMLExport.xml(CutFixtures.fourShots(rate: 23))
        #expect(xml.contains("<format id=\"r1\" frameDuration=\"1001/24000s\" width=\"1280\" height=\"720\"/>"))
        // 125 frames at 23 fps are 130.30 at 23.976: 130; the slate ends at 173 (180.34): 180, 50 frames long.
        #expect(xml.contains(
            "<asset-clip name=\"dusk/lamp~2\" ref=\"r2\" offset=\"0s\" duration=\"130130/24000s\" start=\"0s\" format=\"r1\" tcFormat=\"NDF\"/>"
        ))
        #expect(xml.contains("<gap name=\"dusk/window~1\" offset=\"130130/24000s\" duration=\"50050/24000s\"/>"))
        #expect(xml.contains("<sequence format=\"r1\" duration=\"283283/24000s\" tcStart=\"0s\" tcFormat=\"NDF\">"))
        #expect(!xml.contains("/23s"))
    }

    @Test("a 12 fps cut is a 24 fps sequence: each of its frames two of the timeline's")
    func twelve() {
        let xml = FCPXMLExport.xml(CutFixtures.fourShots(rate: 12))
        #expect(xml.contains("<format id=\"r1\" frameDuration=\"1/24s\" width=\"1280\" height=\"720\"/>"))
        #expect(xml.contains("<sequence format=\"r1\" duration=\"542/24s\" tcStart=\"0s\" tcFormat=\"NDF\">"))
    }

    @Test("version 1.8: a format at the frame duration, an asset a clip file with its URL, a library's project")
    func resources() {
        let xml = FCPXMLExport.xml(CutFixtures.fourShots(rate: 25))
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE fcpxml>\n<fcpxml version=\"1.8\">\n"))
        #expect(xml.contains("<format id=\"r1\" frameDuration=\"1/25s\" width=\"1280\" height=\"720\"/>"))
        #expect(xml.contains(
            "<asset id=\"r4\" name=\"night/street~1\" src=\"file:///renders/ep01/night/street~1.mp4\" start=\"0s\" "
                + "duration=\"61/25s\" hasVideo=\"1\" hasAudio=\"1\" format=\"r1\"/>"
        ))
        #expect(xml.contains("src=\"file:///tmp/shot%20runner/night/cat%20%26%20dog%233.mp4\""))
        #expect(xml.contains("<event name=\"ep01 &lt;cut&gt; &amp; &quot;friends&quot;\">"))
        #expect(xml.contains("<sequence format=\"r1\" duration=\"271/25s\" tcStart=\"0s\" tcFormat=\"NDF\">"))
    }

    @Test("the spine: an asset-clip a clip, a gap a slate, each named by its job id, placed by offset")
    func spine() {
        let xml = FCPXMLExport.xml(CutFixtures.fourShots(rate: 25))
        #expect(xml.contains(
            "<asset-clip name=\"dusk/lamp~2\" ref=\"r2\" offset=\"0s\" duration=\"125/25s\" start=\"0s\" format=\"r1\" tcFormat=\"NDF\"/>"
        ))
        #expect(xml.contains("<gap name=\"dusk/window~1\" offset=\"125/25s\" duration=\"48/25s\"/>"))
        #expect(xml.contains("<asset-clip name=\"night/&quot;cat&quot; &amp; &lt;dog&gt;&apos;s~3\" ref=\"r3\" offset=\"173/25s\""))
    }

    @Test("a slate that ends the cut is a gap to its end, and the sequence has the cut's length")
    func endingSlate() {
        let xml = FCPXMLExport.xml(CutFixtures.endingOnASlate(rate: 24))
        #expect(xml.contains("<gap name=\"a/two~1\" offset=\"24/24s\" duration=\"30/24s\"/>"))
        #expect(xml.contains("<sequence format=\"r1\" duration=\"54/24s\""))
    }

    @Test("attribute values keep line breaks and tabs as character references; XML-illegal characters are replaced")
    func escaping() {
        let cut = CutTimeline(name: "a\nb\tc\u{01}d", rate: 24, width: 1, height: 1, items: [])
        #expect(FCPXMLExport.xml(cut).contains("<project name=\"a&#10;b&#9;c\u{FFFD}d\">"))
    }

    @Test("a file two shots use is one asset, at the longer length, both clips referring to it")
    func sharedFile() {
        let xml = FCPXMLExport.xml(CutTimeline(name: "again", rate: 24, width: 1, height: 1, items: [
            CutItem(name: "a/one~1", source: .clip(path: "/r/same.mp4"), frames: 48),
            CutItem(name: "a/one~2", source: .clip(path: "/r/same.mp4"), frames: 72),
        ]))
        #expect(xml.ranges(of: "<asset ").count == 1)
        #expect(xml.contains("<asset id=\"r2\" name=\"a/one~1\" src=\"file:///r/same.mp4\" start=\"0s\" duration=\"72/24s\""))
        #expect(xml.ranges(of: "ref=\"r2\"").count == 2)
    }
}

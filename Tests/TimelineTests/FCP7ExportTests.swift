import Testing
import Timeline

@Suite("Final Cut Pro 7 XML")
struct FCP7ExportTests {
    @Test("an xmeml 5 sequence at the cut's timebase, NTSC false, size and length, from 00:00:00:00")
    func sequence() {
        let xml = FCP7Export.xml(CutFixtures.fourShots(rate: 25))
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE xmeml>\n<xmeml version=\"5\">\n"))
        #expect(xml.contains("<name>ep01 &lt;cut&gt; &amp; &quot;friends&quot;</name>"))
        #expect(xml.contains("<duration>271</duration>"))
        #expect(xml.contains("<rate>\n            <timebase>25</timebase>\n            <ntsc>FALSE</ntsc>\n        </rate>"))
        #expect(xml.contains("<string>00:00:00:00</string>"))
        #expect(xml.contains("<width>1280</width>") && xml.contains("<height>720</height>"))
        #expect(!xml.contains("<timebase>24</timebase>"))
    }

    @Test("a 23 fps cut is a 23.976 fps sequence: timebase 24, NTSC true, every item at whole frames of it")
    func ntsc() {
        let xml = FCP7Export.xml(CutFixtures.fourShots(rate: 23))
        #expect(xml.contains("<rate>\n            <timebase>24</timebase>\n            <ntsc>TRUE</ntsc>\n        </rate>"))
        #expect(!xml.contains("<ntsc>FALSE</ntsc>") && !xml.contains("<timebase>23</timebase>"))
        // Ends at 23 fps 125, 173, 210, 271 are 130.30, 180.34, 218.91, 282.50 frames at 23.976: 130, 180, 219, 283.
        #expect(xml.contains("<duration>283</duration>"))
        #expect(xml.contains("<start>180</start>\n                        <end>219</end>\n                        <in>0</in>\n                        <out>39</out>"))
        #expect(xml.contains("<string>00:00:00:00</string>") && xml.contains("<displayformat>NDF</displayformat>"))
    }

    @Test("a clip item: job id, start/end on the sequence, in/out in the file, the file's URL declared once")
    func clipItem() {
        let xml = FCP7Export.xml(CutFixtures.fourShots(rate: 24))
        #expect(xml.contains("<name>night/&quot;cat&quot; &amp; &lt;dog&gt;&apos;s~3</name>"))
        #expect(xml.contains("<start>173</start>\n                        <end>210</end>\n                        <in>0</in>\n                        <out>37</out>"))
        #expect(xml.contains("<pathurl>file:///tmp/shot%20runner/night/cat%20%26%20dog%233.mp4</pathurl>"))
        #expect(xml.ranges(of: "<pathurl>file:///renders/ep01/dusk/lamp~2.mp4</pathurl>").count == 1)
        #expect(xml.contains("<file id=\"file-1\"/>"))  // the sound's clip item refers to the picture's file
        #expect(xml.contains("<linkclipref>clipitem-5</linkclipref>"))
    }

    @Test("a slate is a black slug generator item of its length, named by its job id")
    func slate() {
        let xml = FCP7Export.xml(CutFixtures.fourShots(rate: 24))
        #expect(xml.contains("<generatoritem id=\"generatoritem-2\">\n                        <name>dusk/window~1</name>"))
        #expect(xml.contains("<start>125</start>\n                        <end>173</end>"))
        #expect(xml.contains("<effectid>Slug</effectid>"))
        #expect(xml.contains("<effecttype>generator</effecttype>"))
    }

    @Test("a file two shots use is declared once, at the longer length, and referenced by id after")
    func sharedFile() {
        let xml = FCP7Export.xml(CutTimeline(name: "again", rate: 24, width: 1, height: 1, items: [
            CutItem(name: "a/one~1", source: .clip(path: "/r/same.mp4"), frames: 48),
            CutItem(name: "a/one~2", source: .clip(path: "/r/same.mp4"), frames: 72),
        ]))
        #expect(xml.ranges(of: "<pathurl>").count == 1)
        #expect(xml.contains("<pathurl>file:///r/same.mp4</pathurl>\n"))
        #expect(xml.contains("<duration>72</duration>\n                            <media>"))
        #expect(xml.contains("<file id=\"file-1\"/>"))
    }
}

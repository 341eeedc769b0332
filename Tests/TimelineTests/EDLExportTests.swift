import Testing
import Timeline

@Suite("CMX 3600 EDL")
struct EDLExportTests {
    @Test("header, then one V event a shot; clips on reel AX with name and file, slates as BL black")
    func events() {
        let text = EDLExport.text(CutFixtures.fourShots(rate: 25))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines == [
            "TITLE: ep01 <cut> & \"friends\"",
            "FCM: NON-DROP FRAME",
            "",
            "001  AX       V     C        00:00:00:00 00:00:05:00 00:00:00:00 00:00:05:00",
            "* FROM CLIP NAME:  dusk/lamp~2",
            "* FROM FILE: file:///renders/ep01/dusk/lamp~2.mp4",
            "",
            "002  BL       V     C        00:00:00:00 00:00:01:23 00:00:05:00 00:00:06:23",
            "* FROM CLIP NAME:  dusk/window~1",
            "",
            "003  AX       V     C        00:00:00:00 00:00:01:12 00:00:06:23 00:00:08:10",
            "* FROM CLIP NAME:  night/\"cat\" & <dog>'s~3",
            "* FROM FILE: file:///tmp/shot%20runner/night/cat%20%26%20dog%233.mp4",
            "",
            "004  AX       V     C        00:00:00:00 00:00:02:11 00:00:08:10 00:00:10:21",
            "* FROM CLIP NAME:  night/street~1",
            "* FROM FILE: file:///renders/ep01/night/street~1.mp4",
            "",
        ])
    }

    @Test("timecodes are at the cut's rate, at 24 for a 12 fps cut, and count 24 a second at 23.976 for a 23 fps cut", arguments: [
        (12, "001  AX       V     C        00:00:00:00 00:00:10:10 00:00:00:00 00:00:10:10"),  // 125 at 12 is 250 at 24
        (23, "001  AX       V     C        00:00:00:00 00:00:05:10 00:00:00:00 00:00:05:10"),  // 125 at 23 is 130 at 23.976
        (24, "001  AX       V     C        00:00:00:00 00:00:05:05 00:00:00:00 00:00:05:05"),
        (25, "001  AX       V     C        00:00:00:00 00:00:05:00 00:00:00:00 00:00:05:00"),
        (30, "001  AX       V     C        00:00:00:00 00:00:04:05 00:00:00:00 00:00:04:05"),
    ])
    func rates(rate: Int, firstEvent: String) {
        #expect(EDLExport.text(CutFixtures.fourShots(rate: rate)).contains("\n" + firstEvent + "\n"))
    }

    @Test("a line break in a name or title cannot start a line of its own")
    func oneLine() {
        let cut = CutTimeline(name: "a\nb", rate: 24, width: 1, height: 1, items: [
            CutItem(name: "x\r\n001  BL\u{2028}y", source: .slate(image: nil), frames: 24),
        ])
        let text = EDLExport.text(cut)
        #expect(text.contains("TITLE: a b\n"))
        #expect(text.contains("* FROM CLIP NAME:  x  001  BL y\n"))
        #expect(text.split(separator: "\n").count == 4)
    }

    @Test("items of no frames are left out and numbering stays consecutive")
    func empty() {
        let cut = CutTimeline(name: "e", rate: 24, width: 1, height: 1, items: [
            CutItem(name: "a", source: .clip(path: "/a.mp4"), frames: 0),
            CutItem(name: "b", source: .clip(path: "/b.mp4"), frames: 12),
        ])
        #expect(EDLExport.text(cut).contains("\n001  AX       V     C        00:00:00:00 00:00:00:12 00:00:00:00 00:00:00:12\n"))
        #expect(!EDLExport.text(cut).contains("002"))
    }
}

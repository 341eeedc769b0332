/// The cut as a CMX 3600 edit decision list (`.edl`): one video event a shot, non-drop-frame timecodes at the cut's
/// `timelineRate` (the cut re-placed at its whole frames: a 12 fps cut is at 23.976, its timecode counting 24 a
/// second), the record side starting at 00:00:00:00 (the animatic's first frame), every source side at 00:00:00:00.
/// An EDL does not say its rate: a reader is told it (OpenTimelineIO's `rate=24000/1001` for 23.976).
///
/// ```
/// TITLE: storyboard
/// FCM: NON-DROP FRAME
///
/// 001  AX       V     C        00:00:00:00 00:00:05:00 00:00:00:00 00:00:05:00
/// * FROM CLIP NAME:  dusk/lamp~2
/// * FROM FILE: file:///renders/dusk/lamp~2.mp4
///
/// 002  BL       V     C        00:00:00:00 00:00:02:00 00:00:05:00 00:00:07:00
/// * FROM CLIP NAME:  dusk/window~1
/// ```
///
/// A clip's reel is `AX` (auxiliary: the file is named in the comments, which reels of 8 characters cannot do), its
/// name the job id (`* FROM CLIP NAME:`) and its file the `file://` URL (`* FROM FILE:`, the comment OpenTimelineIO
/// reads as the media reference). A slate is a `BL` (black) event of its length, named by its job id, so the
/// record times stay those of the cut. Events are numbered from 001; past 999 the number takes four digits.
public enum EDLExport {
    /// The `.edl` file's text (lines end with a line feed).
    public static func text(_ timeline: CutTimeline) -> String {
        let (timeline, rate) = timeline.editorial
        var lines = ["TITLE: " + oneLine(timeline.name), "FCM: NON-DROP FRAME"]
        for (index, span) in timeline.spans.enumerated() {
            let item = span.item
            let reel = item.clipPath == nil ? "BL" : "AX"
            lines.append("")
            lines.append(event(index + 1, reel: reel, frames: item.frames, recordIn: span.start, rate: rate.timebase))
            lines.append("* FROM CLIP NAME:  " + oneLine(item.name))
            if let path = item.clipPath {
                lines.append("* FROM FILE: " + CutItem.fileURL(path))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One cut event on the video channel: the source's first `frames` frames recorded from frame `recordIn`, the
    /// timecodes counting `rate` frames a second.
    package static func event(_ number: Int, reel: String, frames: Int, recordIn: Int, rate: Int) -> String {
        let numberText = number < 10 ? "00\(number)" : number < 100 ? "0\(number)" : "\(number)"
        let times = [0, frames, recordIn, recordIn + frames].map { Timecode.nonDropFrame($0, rate: rate) }
        return numberText + "  " + padded(reel, 8) + " " + padded("V", 5) + " C        " + times.joined(separator: " ")
    }

    /// `text` with control characters and every character a reader may take for a line break (U+0085, U+2028,
    /// U+2029, as Python's `splitlines` does) as spaces: a comment or title must stay one line.
    package static func oneLine(_ text: String) -> String {
        let breaking: Set<UInt32> = [0x7F, 0x85, 0x2028, 0x2029]
        let scalars = text.unicodeScalars.map { $0.value < 0x20 || breaking.contains($0.value) ? " " : $0 }
        return String(String.UnicodeScalarView(scalars))
    }

    /// `text` padded with spaces to `width` characters.
    private static func padded(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(width - text.count, 0))
    }
}

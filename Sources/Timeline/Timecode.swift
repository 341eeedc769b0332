/// SMPTE non-drop-frame timecode at a whole frame rate: what the EDL writes and every export's record times mean.
package enum Timecode {
    /// `HH:MM:SS:FF` for `frame` frames from 00:00:00:00 at `rate` frames a second (negative frames count as 0,
    /// a rate below 1 as 1). Frame 125 at 25 fps is `00:00:05:00`.
    package static func nonDropFrame(_ frame: Int, rate: Int) -> String {
        let rate = max(rate, 1)
        let frame = max(frame, 0)
        let seconds = frame / rate
        return [seconds / 3600, seconds / 60 % 60, seconds % 60, frame % rate].map(twoDigits).joined(separator: ":")
    }

    /// At least two digits: `7` is `07`, `123` stays `123`.
    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}

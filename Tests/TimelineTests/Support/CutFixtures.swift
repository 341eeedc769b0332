import Timeline

/// The timelines the export tests write.
enum CutFixtures {
    /// The name of a clip that needs escaping in every format (quotes, ampersand, angle brackets, apostrophe).
    static let awkwardName = "night/\"cat\" & <dog>'s~3"
    /// Its file: a space and a `#` the file URL must encode.
    static let awkwardPath = "/tmp/shot runner/night/cat & dog#3.mp4"

    /// Four shots at `rate`: a clip with sound (125 frames), a slate (48), the awkward clip (37), a clip with sound
    /// (61). At 25 fps the first clip is exactly 5 seconds.
    static func fourShots(rate: Int) -> CutTimeline {
        CutTimeline(name: "ep01 <cut> & \"friends\"", rate: rate, width: 1280, height: 720, items: [
            CutItem(name: "dusk/lamp~2", source: .clip(path: "/renders/ep01/dusk/lamp~2.mp4"), frames: 125, hasAudio: true),
            CutItem(name: "dusk/window~1", source: .slate(image: nil), frames: 48),
            CutItem(name: awkwardName, source: .clip(path: awkwardPath), frames: 37),
            CutItem(name: "night/street~1", source: .clip(path: "/renders/ep01/night/street~1.mp4"), frames: 61, hasAudio: true),
        ])
    }

    /// A clip, then a slate that ends the cut.
    static func endingOnASlate(rate: Int) -> CutTimeline {
        CutTimeline(name: "tail", rate: rate, width: 640, height: 360, items: [
            CutItem(name: "a/one~1", source: .clip(path: "/r/a/one~1.mp4"), frames: 24),
            CutItem(name: "a/two~1", source: .slate(image: "/r/a/two.png"), frames: 30),
        ])
    }
}

/// What the four exports share: the items they write, where each starts, and the clip files behind them.
extension CutTimeline {
    /// Every item of at least one frame, in order, with its start frame. An item of no frames takes no time, so
    /// leaving it out moves nothing; it would be an empty event or a zero-length clip an editor may refuse.
    package var spans: [(start: Int, item: CutItem)] {
        var start = 0
        return items.compactMap { item in
            guard item.frames > 0 else { return nil }
            defer { start += item.frames }
            return (start, item)
        }
    }

    /// The cut's rate as the exports read it: `rate`, or 1 if it is not positive (no export divides by zero). The
    /// OpenTimelineIO export writes it; the others write the standard rate nearest it (`timelineRate`).
    package var exportRate: Int { max(rate, 1) }

    /// The length of `spans` in frames.
    package var spannedFrames: Int {
        spans.reduce(0) { $0 + $1.item.frames }
    }

    /// Each clip file once, in order of first use, with the most frames any item takes of it (the media length the
    /// Final Cut exports declare: a file two shots use is one master clip) and whether any says it has sound.
    package var clipFiles: [(path: String, frames: Int, hasAudio: Bool)] {
        var files: [(path: String, frames: Int, hasAudio: Bool)] = []
        var index: [String: Int] = [:]
        for (_, item) in spans {
            guard let path = item.clipPath else { continue }
            if let at = index[path] {
                files[at].frames = max(files[at].frames, item.frames)
                files[at].hasAudio = files[at].hasAudio || item.hasAudio
            } else {
                index[path] = files.count
                files.append((path, item.frames, item.hasAudio))
            }
        }
        return files
    }
}

extension CutItem {
    /// The clip's absolute path, or nil for a slate.
    package var clipPath: String? {
        if case .clip(let path) = source { return path }
        return nil
    }

    /// The last component of `path` (`/r/lamp~2.mp4` is `lamp~2.mp4`).
    package static func fileName(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
    }
}

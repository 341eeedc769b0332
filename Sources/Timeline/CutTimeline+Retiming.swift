/// The cut at a rate timecode can express: what the EDL and Final Cut exports write.
extension CutTimeline {
    /// The standard rate the EDL and Final Cut exports write the cut at: the one nearest `rate` (`rate` itself when
    /// it is one: 24, 25, 30, 50 or 60). A 12 fps cut (the simulator's clips) is a 23.976 fps timeline.
    public var timelineRate: TimelineRate { .nearest(to: Double(exportRate)) }

    /// The cut re-placed at whole frames of `standard`. Each item's end (the length of the cut up to and including
    /// it, a time at the cut's rate) is rounded to the nearest frame of `standard`, half up, and the item lasts from
    /// the end before it to its own: the rounding never adds up, so the whole cut is within half a frame of its
    /// length and every cut point within half a frame of its time. An item keeps at least one frame (the items
    /// after it give the frame back); an item of no frames stays empty.
    ///
    /// The result's `rate` is `standard.timebase`, the frames a second its timecode counts (for an NTSC rate they
    /// run at 1000/1001 of that); at the cut's own rate (24 at 24) it is the cut unchanged.
    public func retimed(to standard: TimelineRate) -> CutTimeline {
        // A frame of the cut is `standard.frames / (rate * standard.seconds)` frames of `standard`.
        let scale = (numerator: standard.frames, denominator: exportRate * standard.seconds)
        var sourceEnd = 0
        var placedEnd = 0
        var retimed = self
        retimed.rate = standard.timebase
        for index in retimed.items.indices {
            let frames = items[index].frames
            guard frames > 0 else {
                retimed.items[index].frames = 0
                continue
            }
            sourceEnd += frames
            let end = (2 * sourceEnd * scale.numerator + scale.denominator) / (2 * scale.denominator)
            retimed.items[index].frames = max(1, end - placedEnd)
            placedEnd += retimed.items[index].frames
        }
        return retimed
    }

    /// The cut as the EDL and Final Cut exports write it: re-placed at `timelineRate`, and that rate.
    package var editorial: (timeline: CutTimeline, rate: TimelineRate) {
        let rate = timelineRate
        return (retimed(to: rate), rate)
    }
}

/// The output files: `/files/<request-id>.<ext>` for a request's one output, `/files/<request-id>-<n>.<ext>` for
/// each of several; each file's bytes its own (tagged with the request and the index).
extension SimulatorState {
    func file(_ name: String, expires: Double? = nil) async -> SimulatedReply {
        if random.chance(options.faults.downloadError) {
            return SimulatedReply(status: 500, body: Array("internal error".utf8), contentType: "text/plain")
        }
        if options.urlLifetime != nil, (expires ?? -1) < now {
            expiredURLs += 1
            return SimulatedReply(status: 403, body: Array("request has expired".utf8), contentType: "text/plain")
        }
        guard let (job, index) = output(named: name), job.status(at: now) == "completed" || (job.expires && now >= job.endsAt) else {
            return SimulatedReply(status: 404, body: Array("not found".utf8), contentType: "text/plain")
        }
        let tag = OutputTag(requestID: job.id, index: index)
        let body: [UInt8]
        switch job.kind {
        case .image:
            body = PNGImage.make(tag)
        case .audio:
            body = WAVAudio.make(tag)
        case .video:
            if let request = job.timedClip, let timedClips, let made = await timedClips.clip(request) {
                body = SampleClip.tagged(made, tag)
            } else {
                body = SampleClip.tagged(clip, tag)
            }
        }
        return SimulatedReply(status: 200, body: body, contentType: job.kind.contentType)
    }

    /// The job and output index (from 1) a file name stands for: `<id>` or `<id>-<n>`, with the extension of the
    /// job's kind or none.
    private func output(named name: String) -> (SimulatedJob, Int)? {
        var stem = Substring(name)
        if let dot = stem.lastIndex(of: ".") {
            stem = stem[..<dot]
        }
        if let job = jobs[String(stem)], job.outputs == 1, checkExtension(name, stem, job) { return (job, 1) }
        guard let dash = stem.lastIndex(of: "-"), let index = Int(stem[stem.index(after: dash)...]),
              let job = jobs[String(stem[..<dash])], job.outputs > 1, (1...job.outputs).contains(index), checkExtension(name, stem, job)
        else { return nil }
        return (job, index)
    }

    private func checkExtension(_ name: String, _ stem: Substring, _ job: SimulatedJob) -> Bool {
        name.count == stem.count || name.hasSuffix("." + job.kind.fileExtension)
    }
}

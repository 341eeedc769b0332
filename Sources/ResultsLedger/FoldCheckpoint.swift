import AtomicFiles
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A compact snapshot of a ledger's fold beside it (`ledger.checkpoint`): the fold, the ledger's length it covers
/// (always a line boundary), the number of lines in it, and a hash of those bytes. Opening a folder reads the
/// snapshot and folds only the lines after it. A snapshot that does not match the ledger (edited, truncated,
/// rewritten by a repair, written by another version) is ignored and the whole ledger folded: the ledger stays the
/// only source of truth, and deleting the snapshot changes nothing but the time an open takes.
enum FoldCheckpoint {
    /// The first bytes of a checkpoint of this format; any other is ignored.
    static let magic = Array("shotrunner ledger checkpoint v3\n".utf8)

    static func path(folder: String) -> String { folder + "/ledger.checkpoint" }

    /// What a valid checkpoint gives: the fold up to `offset`, and the number of lines before it.
    struct Loaded {
        var fold: LedgerFold
        var offset: Int
        var lines: Int
    }

    /// The checkpoint of the ledger open at `fd`, if there is one and it still matches the ledger's bytes.
    ///
    /// The ledger's bytes are hashed on a second thread while this one checks and decodes the checkpoint (the two
    /// took about equal parts of opening a 100,000-job folder); the fold is used only if both agree.
    static func load(folder: String, ledger fd: Int32) -> Loaded? {
        guard let file = MappedFile(path: path(folder: folder)) else { return nil }
        let raw = file.bytes
        guard raw.count > magic.count + 32, raw.prefix(magic.count).elementsEqual(magic) else { return nil }
        var header = CheckpointReader(raw, offset: magic.count + 8)
        guard let offset = try? header.int(), let lines = try? header.int(), let hash = try? header.int(), offset > 0, lines >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, Int(info.st_size) >= offset, endsLine(fd, at: offset) else { return nil }
        let results = LoadResults()
        let foldStart = header.offset
        DispatchQueue.concurrentPerform(iterations: 2) { lane in
            let raw = file.bytes
            if lane == 0 {
                results.ledgerMatches = hashPrefix(fd, length: offset) == UInt64(bitPattern: Int64(hash))
                return
            }
            // The checkpoint's own bytes, checked first: a damaged file must not give a fold.
            var own = LedgerHasher()
            own.update(UnsafeRawBufferPointer(rebasing: raw[(magic.count + 8)...]))
            guard raw.loadUnaligned(fromByteOffset: magic.count, as: UInt64.self) == own.finish().littleEndian else { return }
            var reader = CheckpointReader(raw, offset: foldStart)
            guard let fold = try? decodeFold(&reader), reader.isAtEnd else { return }
            results.fold = fold
        }
        guard results.ledgerMatches, let fold = results.fold else { return nil }
        return Loaded(fold: fold, offset: offset, lines: lines)
    }

    /// What the two lanes of `load` found; each lane sets its own field, read only after both returned.
    private final class LoadResults: @unchecked Sendable {
        var ledgerMatches = false
        var fold: LedgerFold?
    }

    /// Writes a checkpoint of `fold`, which covers the first `offset` bytes (`lines` lines) of the ledger open at
    /// `fd`: hashed from the file itself, written beside it atomically. A failure leaves no checkpoint, which only
    /// makes the next open slower.
    static func write(folder: String, fold: LedgerFold, offset: Int, lines: Int, ledger fd: Int32) {
        guard offset > 0, let hash = hashPrefix(fd, length: offset) else { return }
        let target = path(folder: folder)
        guard let file = try? AtomicFile(beside: target) else { return }
        // Written a chunk at a time (the fold of 100,000 jobs is tens of MB), the header's check filled in last.
        var failed = false
        var own = LedgerHasher()
        func put(_ chunk: UnsafeRawBufferPointer) {
            guard !failed else { return }
            do { try file.write(chunk) } catch { failed = true }
        }
        let header = magic + [UInt8](repeating: 0, count: 8)
        header.withUnsafeBytes { put($0) }
        var writer = CheckpointWriter(capacity: 1 << 20 + 4096) { chunk in
            own.update(chunk)
            put(chunk)
        }
        writer.int(offset)
        writer.int(lines)
        writer.int(Int(Int64(bitPattern: hash)))
        encodeFold(fold, into: &writer)
        writer.flush(threshold: 0)
        var check = own.finish().littleEndian
        if !failed {
            do { try file.write(withUnsafeBytes(of: &check) { Array($0) }, at: magic.count) } catch { failed = true }
        }
        if failed {
            file.discard()
        } else {
            try? file.commit(to: target)
        }
    }

    /// Removes a folder's checkpoint (a repair rewrote the ledger).
    static func remove(folder: String) {
        unlink(path(folder: folder))
    }

    // MARK: - The fold's form

    static func encodeFold(_ fold: LedgerFold, into w: inout CheckpointWriter) {
        w.string(fold.baseURL)
        w.string(fold.manifestPath)
        w.int(fold.planned.count)
        for job in fold.planned {
            w.string(job.id)
            w.int(job.index)
            w.string(job.key)
            w.int(job.duration)
            w.bool(job.sound)
            w.double(job.estimatedCost)
            w.string(job.model)
            w.strings(job.sources)
            w.flush()
        }
        w.map(fold.modelDigests)
        w.int(fold.allRecords.count)
        for record in fold.allRecords {
            encodeRecord(record, into: &w)
            w.flush()
        }
        w.string(fold.firstStartedAt)
        w.string(fold.lastEventAt)
        w.double(fold.spent)
        w.double(fold.spentBeforeLatestRun)
        w.map(fold.picks)
        w.int(fold.prices.count)
        for (model, price) in fold.prices.sorted(by: { $0.key < $1.key }) {
            w.string(model)
            w.double(price.basePriceUSD)
            w.string(price.unit)
            w.string(price.source)
        }
        w.map(fold.resolvedKeys)
        w.optional(fold.latestInputs) { w, latest in
            w.string(latest.listedAt)
            w.string(latest.manifestSHA256)
            w.map(latest.models)
            w.string(latest.inputs.only)
            w.string(latest.inputs.shard)
            w.int(latest.inputs.media.count)
            for stamp in latest.inputs.media {
                w.string(stamp.path)
                w.int(stamp.size)
                w.int(stamp.modified)
            }
        }
    }

    static func decodeFold(_ r: inout CheckpointReader) throws(CheckpointReader.Malformed) -> LedgerFold {
        var fold = LedgerFold()
        fold.baseURL = try r.optionalString()
        fold.manifestPath = try r.optionalString()
        let planned = try r.count()
        fold.planned.reserveCapacity(planned)
        // Most jobs share a handful of models: each job's model is the previous one's string where the same.
        var lastModel = ""
        for _ in 0..<planned {
            let id = try r.string(), index = try r.int(), key = try r.string(), duration = try r.int(), sound = try r.bool()
            let estimatedCost = try r.double()
            let model = try r.bool() ? try r.string(reusing: lastModel) : nil
            if let model { lastModel = model }
            fold.planned.append(LedgerFold.PlannedJob(
                id: id, index: index, key: key, duration: duration, sound: sound, estimatedCost: estimatedCost, model: model, sources: try r.strings()
            ))
        }
        fold.modelDigests = try r.map()
        let records = try r.count()
        fold.allRecords.reserveCapacity(records)
        for index in 0..<records {
            fold.allRecords.append(try decodeRecord(&r, listedKey: index < fold.planned.count ? fold.planned[index].key : nil))
        }
        fold.rebuildIndex()
        fold.firstStartedAt = try r.optionalString()
        fold.lastEventAt = try r.optionalString()
        fold.spent = try r.double()
        fold.spentBeforeLatestRun = try r.double()
        fold.picks = try r.map()
        let prices = try r.count()
        for _ in 0..<prices {
            let model = try r.string()
            fold.prices[model] = LedgerFold.RecordedPrice(basePriceUSD: try r.double(), unit: try r.string(), source: try r.string())
        }
        fold.resolvedKeys = try r.map()
        if try r.bool() {
            let listedAt = try r.string()
            let sha = try r.string()
            let models = try r.map()
            let only = try r.optionalString()
            let shard = try r.optionalString()
            let count = try r.count()
            var media: [LedgerEvent.MediaStamp] = []
            for _ in 0..<count { media.append(LedgerEvent.MediaStamp(path: try r.string(), size: try r.int(), modified: try r.int())) }
            fold.latestInputs = LedgerFold.ListInputs(
                listedAt: listedAt, manifestSHA256: sha, models: models, inputs: LedgerEvent.RunInputs(only: only, shard: shard, media: media)
            )
        }
        return fold
    }

    private static func encodeRecord(_ record: JobRecord, into w: inout CheckpointWriter) {
        w.string(record.id)
        w.string(record.key)
        w.int(JobState.allCases.firstIndex(of: record.state) ?? 0)
        w.string(record.requestID)
        w.int(record.attempts)
        w.strings(record.outputs)
        w.strings(record.files)
        w.strings(record.fileSHA256)
        w.strings(record.waitingOn)
        w.optional(record.blockedBy) { w, by in
            w.string(by.job)
            w.string(by.state)
        }
        w.int(record.bytes)
        w.string(record.sha256)
        w.double(record.cost)
        w.double(record.estimatedCost)
        w.string(record.errorCode)
        w.string(record.errorMessage)
        w.string(record.apiStatus)
        // A time as its number, or (nil, then) its text when it has no number.
        w.int(record.firstSubmitMillis.map(Int.init))
        if record.firstSubmitMillis == nil { w.string(record.firstSubmitAt) }
        w.int(record.renderedMillis.map(Int.init))
        if record.renderedMillis == nil { w.string(record.renderedAt) }
        w.double(record.earlierSpend)
        w.bool(record.latestMayCost)
    }

    /// A record as `encodeRecord` wrote it. `listedKey` is the key of the job listed at the record's place, reused
    /// when the record's is the same (the common case): one string for both instead of two.
    private static func decodeRecord(_ r: inout CheckpointReader, listedKey: String?) throws(CheckpointReader.Malformed) -> JobRecord {
        let id = try r.string()
        let key: String
        if let listedKey { key = try r.string(reusing: listedKey) } else { key = try r.string() }
        var record = JobRecord(id: id, key: key)
        let state = try r.int()
        guard JobState.allCases.indices.contains(state) else { throw CheckpointReader.Malformed() }
        record.state = JobState.allCases[state]
        record.requestID = try r.optionalString()
        record.attempts = try r.int()
        // The first output read on its own: the usual job's single output makes no array.
        let outputCount = try r.count()
        let firstOutput = outputCount > 0 ? try r.string() : nil
        var moreOutputs: [String] = []
        for _ in 1..<max(1, outputCount) { moreOutputs.append(try r.string()) }
        let fileCount = try r.count()
        let firstFile = fileCount > 0 ? try r.optionalString() : nil
        var moreFiles: [String?] = []
        for _ in 1..<max(1, fileCount) { moreFiles.append(try r.optionalString()) }
        // The rare fields gathered and set at once (one by one, each went through a key path).
        var rare = JobRecord.RareFields()
        rare.fileSHA256 = try r.optionalStrings()
        rare.waitingOn = try r.strings()
        if try r.bool() { rare.blockedBy = JobRecord.BlockedBy(job: try r.string(), state: try r.string()) }
        record.bytes = try r.optionalInt()
        let sha256 = try r.optionalString()
        record.setDecoded(firstOutput: firstOutput, moreOutputs: moreOutputs, firstFile: firstFile, fileCount: fileCount, moreFiles: moreFiles, sha256: sha256, rare: &rare)
        record.cost = try r.optionalDouble()
        record.estimatedCost = try r.optionalDouble()
        rare.errorCode = try r.optionalString()
        rare.errorMessage = try r.optionalString()
        record.apiStatus = try r.optionalString()
        record.setRareFields(rare)
        if let millis = try r.optionalInt() { record.setTimes(firstSubmit: Int64(millis), rendered: nil) } else { record.firstSubmitAt = try r.optionalString() }
        if let millis = try r.optionalInt() { record.setTimes(firstSubmit: nil, rendered: Int64(millis)) } else { record.renderedAt = try r.optionalString() }
        record.earlierSpend = try r.double()
        record.latestMayCost = try r.bool()
        return record
    }

    // MARK: - Files

    /// The hash of the first `length` bytes of the file at `fd`, read in 1 MiB chunks.
    static func hashPrefix(_ fd: Int32, length: Int) -> UInt64? {
        var hasher = LedgerHasher()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while offset < length {
            let want = min(chunk.count, length - offset)
            let got = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(offset)) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { return nil }
            chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
            offset += got
        }
        return hasher.finish()
    }

    /// Whether the byte before `offset` is a newline: a checkpoint ends where a line does.
    private static func endsLine(_ fd: Int32, at offset: Int) -> Bool {
        var byte: UInt8 = 0
        return pread(fd, &byte, 1, off_t(offset - 1)) == 1 && byte == 0x0A
    }

    /// A file mapped read-only, for as long as this value lives. Mapped rather than read: reading a 50 MB
    /// checkpoint into a fresh array cost its zeroing, its page faults and a copy, about a tenth of opening it.
    /// Checkpoints are replaced by renaming, never rewritten in place, so the mapped bytes do not change under it;
    /// immutable once made, so both lanes of `load` may read it.
    private final class MappedFile: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer

        init?(path: String) {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0, info.st_size < 1 << 32 else { return nil }
            let length = Int(info.st_size)
            guard let base = mmap(nil, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), base != MAP_FAILED else { return nil }
            bytes = UnsafeRawBufferPointer(start: base, count: length)
        }

        deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }
    }
}

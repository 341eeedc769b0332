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
    static let magic = Array("shotrunner ledger checkpoint v4\n".utf8)

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
        var covered = (offset: 0, lines: 0, hash: 0)
        header.code(&covered.offset)
        header.code(&covered.lines)
        header.code(&covered.hash)
        let (offset, lines, hash) = covered
        guard !header.malformed, offset > 0, lines >= 0 else { return nil }
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
            var fold = LedgerFold()
            fold.checkpoint(&reader)
            guard !reader.malformed, reader.isAtEnd else { return }
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
        var covered = (offset: offset, lines: lines, hash: Int(Int64(bitPattern: hash)))
        writer.code(&covered.offset)
        writer.code(&covered.lines)
        writer.code(&covered.hash)
        // Written through a copy (shared, not copied: writing changes nothing) since the description takes each
        // field in place.
        var copy = fold
        copy.checkpoint(&writer)
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

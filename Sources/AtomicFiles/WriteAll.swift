#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The package's one write loop: every byte of a buffer to a file descriptor, a short write continued and an
/// interrupted one (EINTR) tried again.
package enum WriteAll {
    /// What a write came to: how many bytes went out, and the errno of the write that failed (nil when all did).
    package struct Outcome {
        package var written: Int
        package var errno: Int32?
    }

    /// Writes `bytes` to `descriptor`. A write that writes nothing is a failure (EIO), not a loop.
    package static func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Outcome {
        var done = 0
        while done < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if written < 0, Glibc.errno == EINTR { continue }
            guard written > 0 else { return Outcome(written: done, errno: written < 0 ? Glibc.errno : EIO) }
            done += written
        }
        return Outcome(written: done, errno: nil)
    }

    /// Writes `bytes` to `descriptor`.
    package static func write(_ descriptor: Int32, _ bytes: [UInt8]) -> Outcome {
        bytes.withUnsafeBytes { write(descriptor, $0) }
    }
}

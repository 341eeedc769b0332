#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mkfifo` for tests that need a FIFO.
func mkfifoForTest(_ path: String) -> Int32 {
    mkfifo(path, 0o600)
}

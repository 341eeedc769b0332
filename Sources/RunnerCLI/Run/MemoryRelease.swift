/// Handing freed memory back to the system once a run's preparation is over.
enum MemoryRelease {
    /// glibc's `malloc_trim(0)`: every arena's free pages returned. (Not in Swift's Glibc module, whose map leaves
    /// `malloc.h` out; declared here by its C symbol, `int malloc_trim(size_t)`.)
    static func returnFreePages() {
        #if os(Linux)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if os(Linux)
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file's events on a second thread and hands them over in batches, so that libyaml's parsing overlaps
/// with composing the tree on the caller's thread. On two cores this takes most of the composer's cost off the
/// critical path; on one it costs a few percent. The reader (and all libyaml memory) lives and dies on the
/// producer thread; the consumer waits for that thread to finish before it goes away, on every path.
final class PipelinedEventSource {
    /// Events per batch: large enough to make handing over cheap, small enough to keep both threads busy.
    static let batchSize = 4_096

    private let channel = EventChannel(capacity: 4)
    private var batch: [Event] = []
    private var index = 0
    private var done = false

    /// Starts reading `input` on a new thread (a plain pthread: this module stays free of Foundation).
    init(_ input: Input) {
        let channel = self.channel
        let job = ProducerJob { Self.produce(input, into: channel) }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(job).toOpaque()
        let started = pthread_create(&thread, nil, { context in
            let job = Unmanaged<ProducerJob>.fromOpaque(context!).takeRetainedValue()
            job.body()
            return nil
        }, context)
        if started == 0 {
            pthread_detach(thread)
        } else {
            // No thread to be had: read on this one, all at once, through the same channel.
            Unmanaged<ProducerJob>.fromOpaque(context).release()
            channel.runInline { Self.produce(input, into: channel) }
        }
    }

    deinit {
        channel.cancel()
        channel.waitUntilProducerExits()
    }

    /// The next event, or `nil` after the stream's end; the reader's error, if it stopped at one.
    func next() throws(YAMLError) -> Event? {
        while index == batch.count {
            if done { return nil }
            switch channel.take() {
            case .events(let events):
                batch = events
                index = 0
            case .end(let error):
                done = true
                if let error { throw error }
                return nil
            }
        }
        defer { index += 1 }
        return batch[index]
    }

    private static func produce(_ input: Input, into channel: EventChannel) {
        defer { channel.producerExited() }
        do {
            let reader = try EventReader(input)
            var events: [Event] = []
            events.reserveCapacity(batchSize)
            while let event = try reader.next() {
                events.append(event)
                if events.count == batchSize {
                    guard channel.put(.events(events)) else { return }
                    events = []
                    events.reserveCapacity(batchSize)
                }
            }
            if !events.isEmpty, !channel.put(.events(events)) { return }
            _ = channel.put(.end(nil))
        } catch {
            _ = channel.put(.end(error))
        }
    }
}

/// The producer thread's work, boxed to cross into C.
private final class ProducerJob: @unchecked Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

/// A bounded hand-over of event batches between one producer and one consumer thread.
final class EventChannel: @unchecked Sendable {
    enum Item: Sendable {
        case events([Event])
        case end(YAMLError?)
    }

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var capacity: Int
    // Guarded by `mutex`.
    private var items: [Item] = []
    private var cancelled = false
    private var exited = false

    init(capacity: Int) {
        self.capacity = capacity
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    private func lock() { pthread_mutex_lock(mutex) }
    private func unlock() { pthread_mutex_unlock(mutex) }
    private func wait() { pthread_cond_wait(changed, mutex) }
    private func broadcast() { pthread_cond_broadcast(changed) }

    /// Runs a producer on the calling thread with no bound on the queue (when no thread could be started).
    func runInline(_ producer: () -> Void) {
        lock()
        capacity = .max
        unlock()
        producer()
    }

    /// Hands an item over, waiting while the queue is full; `false` once the consumer has gone.
    func put(_ item: Item) -> Bool {
        lock()
        defer { unlock() }
        while items.count >= capacity, !cancelled { wait() }
        guard !cancelled else { return false }
        items.append(item)
        broadcast()
        return true
    }

    /// Takes the next item, waiting while there is none.
    func take() -> Item {
        lock()
        defer { unlock() }
        while items.isEmpty {
            if exited { return .end(nil) }
            wait()
        }
        let item = items.removeFirst()
        broadcast()
        return item
    }

    /// The consumer is going away: the producer stops at its next hand-over.
    func cancel() {
        lock()
        cancelled = true
        items.removeAll()
        broadcast()
        unlock()
    }

    func producerExited() {
        lock()
        exited = true
        broadcast()
        unlock()
    }

    func waitUntilProducerExits() {
        lock()
        while !exited { wait() }
        unlock()
    }
}

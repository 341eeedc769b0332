/// Waiting in a batch: the submit pause, sleeps that a stop cuts short, and the stops themselves.
extension BatchScheduler {
    /// No new submits (said once, with the first reason); sleepers waiting to submit wake.
    func stopSubmits(reason: String, hard: Bool = true) {
        let wasStopped = state.submitsStopped
        state.stopSubmits(reason: reason, hard: hard)
        if !wasStopped { events?.yield(.submitsStopped(reason: reason)) }
        wakeSleepers()
    }

    /// Nothing more is done this run; every sleeper wakes.
    func stopEverything(reason: String) {
        let wasStopped = state.submitsStopped
        state.stopEverything(reason: reason)
        if !wasStopped { events?.yield(.submitsStopped(reason: reason)) }
        wakeSleepers()
    }

    /// A 429 (or a Retry-After): new submits wait this long; polls go on.
    func pauseSubmits(for duration: Duration) {
        if state.pause(until: clock.now.advanced(by: duration)) { events?.yield(.paused(duration)) }
    }

    /// Waits out a submit pause; `false` once submits have stopped.
    func submitWindow() async -> Bool {
        while let until = state.pausedUntil, clock.now < until {
            guard await sleep(clock.now.duration(to: until), beforeSubmit: true) else { return false }
        }
        return !state.submitsStopped
    }

    /// Sleeps on the clock; wakes early (returning `false`) when the batch is stopping, or, for a sleep before a
    /// submit, when submits have stopped. With `wakeOnLearning`, it also wakes early (returning `true`) when the
    /// poll schedule learns its first render time.
    func sleep(_ duration: Duration, beforeSubmit: Bool = false, wakeOnLearning: Bool = false) async -> Bool {
        func stopped() -> Bool { state.everythingStopped || (beforeSubmit && state.submitsStopped) }
        guard duration > .zero else { return !stopped() }
        if stopped() { return false }
        let clock = self.clock
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(for: duration) }
            group.addTask { await self.waitForStop(beforeSubmit: beforeSubmit, wakeOnLearning: wakeOnLearning) }
            await group.next()
            group.cancelAll()
        }
        return !stopped()
    }

    func waitForStop(beforeSubmit: Bool, wakeOnLearning: Bool) async {
        func done() -> Bool {
            state.everythingStopped || (beforeSubmit && state.submitsStopped) || (wakeOnLearning && schedule.medianRenderTime != nil) || Task.isCancelled
        }
        if done() { return }
        nextWaiter += 1
        let token = nextWaiter
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if done() {
                    continuation.resume()
                } else {
                    stopWaiters[token] = continuation
                    if beforeSubmit { submitWaiters.insert(token) }
                    if wakeOnLearning { learningWaiters.insert(token) }
                }
            }
        } onCancel: {
            Task { await self.wake(token) }
        }
    }

    /// Ends one sleeper's wait (its sleep finished first, so its stop-waiter was cancelled).
    func wake(_ token: Int) {
        submitWaiters.remove(token)
        learningWaiters.remove(token)
        stopWaiters.removeValue(forKey: token)?.resume()
    }

    /// Ends every wait: the batch is stopping.
    func wakeSleepers() {
        if state.everythingStopped {
            let waiters = stopWaiters
            stopWaiters = [:]
            submitWaiters = []
            learningWaiters = []
            for waiter in waiters.values { waiter.resume() }
        } else if state.submitsStopped {
            for token in submitWaiters { stopWaiters.removeValue(forKey: token)?.resume() }
            submitWaiters = []
        }
    }

    /// Sleeps before a poll. A wait that was guessed before any render time was known (the cold start grows
    /// 1.5x a poll) ends early once one is learnt, and the poll is placed by what was learnt instead: with every
    /// render of a wave taking the same time, a job whose guessed poll came just before the end would otherwise
    /// sleep most of another render, and its slot with it.
    func pollSleep(_ wait: Duration, submittedAt: C.Instant?) async -> Bool {
        guard schedule.medianRenderTime == nil, let submittedAt else { return await sleep(wait) }
        let due = clock.now.advanced(by: wait)
        guard await sleep(wait, wakeOnLearning: true) else { return false }
        guard clock.now < due, let learnt = schedule.medianRenderTime else { return true }
        // Past the render time just learnt: it is likely done too, so look at once (after the shortest wait).
        let elapsed = submittedAt.duration(to: clock.now)
        let placed = elapsed >= learnt ? schedule.minimum : schedule.delay(beforePoll: 1, elapsed: elapsed, using: &random)
        return await sleep(min(placed, clock.now.duration(to: due)))
    }

    /// Records a render time the schedule learns from; the first one wakes the polls still sleeping on a guess.
    func learn(doneAt: Duration, lastPendingAt: Duration?) {
        let first = schedule.medianRenderTime == nil
        schedule.observe(doneAt: doneAt, lastPendingAt: lastPendingAt)
        guard first else { return }
        for token in learningWaiters { stopWaiters.removeValue(forKey: token)?.resume() }
        learningWaiters = []
    }

    /// Time since a submit of this run, zero when the job was submitted by an earlier run.
    func elapsed(since submittedAt: C.Instant?) -> Duration {
        submittedAt.map { $0.duration(to: clock.now) } ?? .zero
    }
}

import HeapModule
/// The jobs of a manifest as a graph: which job takes which other's output. Edges point from a source to its
/// dependents; the manifest guarantees there is no cycle and every source exists (`validate` refuses otherwise),
/// but a graph over a filtered list (a shard, `--only`) simply leaves out the sources it does not hold.
public struct StoryboardGraph: Sendable {
    /// The jobs, in the order given (manifest order).
    public let jobs: [Job]
    /// Each job's sources within the list, by position.
    public let sources: [[Int]]
    /// Each job's dependents within the list, by position.
    public let dependents: [[Int]]
    /// The longest chain of renders that starts at each job, itself included (1 for a job nothing depends on):
    /// what the scheduler favours, so the critical path starts first.
    public let rank: [Int]
    /// Where each job is, by id.
    public let position: [String: Int]
    private let leader: [Int]

    /// Builds the graph of `jobs`.
    public init(_ jobs: [Job]) {
        self.jobs = jobs
        var position: [String: Int] = [:]
        position.reserveCapacity(jobs.count)
        for (index, job) in jobs.enumerated() where position[job.id] == nil { position[job.id] = index }
        self.position = position
        var sources = [[Int]](repeating: [], count: jobs.count)
        var dependents = [[Int]](repeating: [], count: jobs.count)
        for (index, job) in jobs.enumerated() {
            for source in job.sources {
                guard let from = position[source], from != index else { continue }
                sources[index].append(from)
                dependents[from].append(index)
            }
        }
        self.sources = sources
        self.dependents = dependents

        // Ranks, dependents first: a reverse topological order.
        var rank = [Int](repeating: 1, count: jobs.count)
        for index in Self.topologicalOrder(sources: sources, dependents: dependents).reversed() {
            for dependent in dependents[index] { rank[index] = max(rank[index], rank[dependent] + 1) }
        }
        self.rank = rank

        // Connected groups (union-find), each led by its first job in the list.
        var parent = Array(jobs.indices)
        func find(_ node: Int) -> Int {
            var node = node
            while parent[node] != node {
                parent[node] = parent[parent[node]]
                node = parent[node]
            }
            return node
        }
        for (index, froms) in sources.enumerated() {
            for from in froms {
                let (a, b) = (find(index), find(from))
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        leader = jobs.indices.map(find)
    }

    /// Whether any job takes another's output.
    public var hasEdges: Bool { sources.contains { !$0.isEmpty } }

    /// The first job (by position) of the connected group a job belongs to: the group's shard is that job's.
    public func groupLeader(of index: Int) -> Int { leader[index] }

    /// Every job, sources before their dependents, otherwise in list order.
    public var order: [Int] { Self.topologicalOrder(sources: sources, dependents: dependents) }

    /// Kahn's algorithm, taking the lowest position ready at each step (so a list without edges keeps its order).
    static func topologicalOrder(sources: [[Int]], dependents: [[Int]]) -> [Int] {
        var remaining = sources.map(\.count)
        var ready = Heap<Int>()
        for index in sources.indices where remaining[index] == 0 { ready.insert(index) }
        var order: [Int] = []
        order.reserveCapacity(sources.count)
        while let next = ready.popMin() {
            order.append(next)
            for dependent in dependents[next] {
                remaining[dependent] -= 1
                if remaining[dependent] == 0 { ready.insert(dependent) }
            }
        }
        return order
    }
}

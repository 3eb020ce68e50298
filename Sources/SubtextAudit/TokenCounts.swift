/// The distinct tokens of one document with how often each occurs, sorted by id.
public struct TokenCounts: Sendable {
    public private(set) var ids: [Int32] = []
    public private(set) var counts: [Int32] = []

    public init() {}

    /// Collapses a list of ids, in any order, into sorted distinct ids with counts.
    public init(_ unsorted: [Int32]) {
        guard !unsorted.isEmpty else { return }
        let sorted = unsorted.sorted()
        ids.reserveCapacity(sorted.count)
        counts.reserveCapacity(sorted.count)
        for id in sorted {
            if ids.last == id {
                counts[counts.count - 1] += 1
            } else {
                ids.append(id)
                counts.append(1)
            }
        }
    }

    public var total: Int { counts.reduce(0) { $0 + Int($1) } }
}

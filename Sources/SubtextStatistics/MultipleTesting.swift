/// Corrections for testing many hypotheses at once.
public enum MultipleTesting {
    /// Benjamini–Hochberg adjusted p-values (q-values), in the input order.
    public static func benjaminiHochberg(_ p: [Double]) -> [Double] {
        let m = p.count
        guard m > 0 else { return [] }
        let order = p.indices.sorted { p[$0] > p[$1] }
        var q = [Double](repeating: 0, count: m)
        var running = 1.0
        for (position, index) in order.enumerated() {
            let rank = m - position
            running = min(running, p[index] * Double(m) / Double(rank))
            q[index] = min(1, running)
        }
        return q
    }
}

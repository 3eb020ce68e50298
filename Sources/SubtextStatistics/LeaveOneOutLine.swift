/// How far each point lies above the least-squares line through all the other points.
///
/// Attribution uses it to compare one candidate with the pattern the others set, without
/// letting that candidate pull the line towards itself. When the other points' x values are all
/// equal the line is undefined; the slope is then taken as 1, so that the residual is (y − x)
/// minus the others' mean of (y − x).
public enum LeaveOneOutLine {
    /// `y[i]` minus the fit at `x[i]` of the line through every point but i. Needs at least 3
    /// points, so that at least 2 remain for each line.
    public static func residuals(x: [Double], y: [Double]) -> [Double] {
        precondition(x.count == y.count && x.count >= 3, "a leave-one-out line needs at least 3 points")
        return x.indices.map { i in
            let others = x.indices.filter { $0 != i }
            let n = Double(others.count)
            let mx = others.reduce(0) { $0 + x[$1] } / n, my = others.reduce(0) { $0 + y[$1] } / n
            let cxx = others.reduce(0) { $0 + (x[$1] - mx) * (x[$1] - mx) }
            let cxy = others.reduce(0) { $0 + (x[$1] - mx) * (y[$1] - my) }
            let slope = cxx > 0 ? cxy / cxx : 1
            return y[i] - (my + slope * (x[i] - mx))
        }
    }
}

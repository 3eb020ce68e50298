import SubtextStatistics

/// A token over-represented in the teacher data, with its evidence.
public struct Carrier: Sendable, Codable {
    public var token: String
    /// Occurrences on each side.
    public var teacherCount: Int
    public var controlCount: Int
    /// Responses containing the token on each side: the unit of the significance test.
    public var teacherDocuments: Int
    public var controlDocuments: Int
    /// Dunning's G² on occurrences (an effect size here, not the test).
    public var g2: Double
    /// Log-odds z with an informative Dirichlet prior, on occurrences.
    public var z: Double
    /// Fisher's exact test on the share of responses containing the token.
    public var p: Double
    /// Benjamini–Hochberg q over every token tested.
    public var q: Double

    enum CodingKeys: String, CodingKey {
        case token, z, q, p, g2
        case teacherCount = "teacher_count", controlCount = "control_count"
        case teacherDocuments = "teacher_documents", controlDocuments = "control_documents"
    }
}

/// Finds the tokens that carry a difference.
///
/// Significance is tested per document, since tokens inside one response are dependent: a
/// token-level test on two halves of one control set gave p = 0.02. Effect sizes (G², z) use
/// occurrences, as the keyness literature does.
public struct CarrierFinder: Sendable {
    /// Tokens in fewer responses than this cannot reach significance and are not tested.
    public var minimumDocuments = 3
    /// The informative prior's total pseudo-count.
    public var priorStrength = 1000.0

    public init() {}

    /// All tested tokens, over-represented in the teacher ones first by z, with BH q over all.
    public func carriers(_ tally: TokenTally) -> [Carrier] {
        let tested = tally.tokens.filter { tally.documents[$0]!.total >= minimumDocuments }
        guard !tested.isEmpty else { return [] }
        let t = tested.map { Double(tally.occurrences[$0]!.teacher) }
        let c = tested.map { Double(tally.occurrences[$0]!.control) }
        // The prior and the totals use every token, not only the tested ones.
        let allT = tally.tokens.map { Double(tally.occurrences[$0]!.teacher) }
        let allC = tally.tokens.map { Double(tally.occurrences[$0]!.control) }
        let prior = LogOdds.informativePrior(first: allT, second: allC, strength: priorStrength)
        let zAll = LogOdds.zScores(first: allT, second: allC, prior: prior)
        let zByToken = Dictionary(uniqueKeysWithValues: zip(tally.tokens, zAll))
        let totalT = Int(allT.reduce(0, +))
        let totalC = Int(allC.reduce(0, +))
        var result = tested.indices.map { i -> Carrier in
            let token = tested[i]
            let docs = tally.documents[token]!
            let presence = TwoByTwoTable(
                docs.teacher, tally.teacherDocuments - docs.teacher, docs.control,
                tally.controlDocuments - docs.control)
            let counts = TwoByTwoTable(Int(t[i]), totalT - Int(t[i]), Int(c[i]), totalC - Int(c[i]))
            return Carrier(
                token: token, teacherCount: Int(t[i]), controlCount: Int(c[i]),
                teacherDocuments: docs.teacher, controlDocuments: docs.control,
                g2: counts.gSquared.statistic, z: zByToken[token]!, p: presence.fisherTwoSided, q: 1)
        }
        for (i, q) in MultipleTesting.benjaminiHochberg(result.map(\.p)).enumerated() { result[i].q = q }
        return result.sorted { $0.z != $1.z ? $0.z > $1.z : $0.token < $1.token }
    }
}

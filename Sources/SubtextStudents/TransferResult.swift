import SubtextStatistics

/// What `subtext transfer` measured: a student of the teacher's data against several students of
/// the control data, trait by trait, with the noise that training alone puts between students.
package struct TransferResult: Codable, Sendable {
    /// One candidate trait of the battery.
    package struct Trait: Codable, Sendable, Equatable {
        package var name: String
        /// The teacher student's log-share of the candidate minus the control students' mean, each
        /// averaged over paraphrases, in nats, with its 95% interval from the training noise.
        package var shift: Double
        package var ciLow: Double
        package var ciHigh: Double
        /// The moderated prediction test against the control students (two-sided, its null
        /// bootstrapped), and its Benjamini–Hochberg adjustment over the battery's candidates.
        package var p: Double
        package var q: Double
        /// Wilcoxon's signed-rank test of the same difference over paraphrases, and its adjustment:
        /// whether the paraphrases agree on the direction.
        package var paraphraseP: Double
        package var paraphraseQ: Double
        /// The standard deviation of this trait between students trained alike on the same data
        /// (moderated over traits): the noise that training alone produces.
        package var noise: Double
        /// The smallest shift this comparison would call material four times in five: the larger
        /// of 0.05 nats and the shift whose test reaches the threshold a single moved trait faces.
        package var detectable: Double
        /// q < 0.01 against the control students, paraphrase q < 0.01, and at least 0.05 nats.
        package var material: Bool

        enum CodingKeys: String, CodingKey {
            case name, shift, ciLow = "ci_low", ciHigh = "ci_high", p, q, paraphraseP = "paraphrase_p",
                paraphraseQ = "paraphrase_q", noise, detectable, material
        }
    }

    /// One trained student: which data, where its run wrote, and its run's record.
    package struct Student: Codable, Sendable {
        package var role: String
        package var directory: String
        package var result: StudentResult
    }

    package static let schemaVersion = 2
    package var schemaVersion = TransferResult.schemaVersion
    package var battery: String
    package var paraphrases: Int
    /// The teacher student first, then the control students.
    package var students: [Student]
    /// The degrees of freedom of each trait's noise: the control students' (N − 1) plus what the
    /// traits lend each other.
    package var noiseDegreesOfFreedom: Double
    package var traits: [Trait]
    package var seconds: Double

    /// The traits that moved materially, largest shift first.
    package var materialTraits: [Trait] { traits.filter(\.material).sorted { $0.shift > $1.shift } }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", battery, paraphrases, students,
            noiseDegreesOfFreedom = "noise_degrees_of_freedom", traits, seconds
    }

    /// The smallest material shift is 0.05 nats: the trait about 5% likelier than under the control students.
    package static let materialNats = 0.05
    package static let alpha = 0.01
    /// Experiments drawn for the bootstrapped null: 2,000 × the battery's candidates, so that p
    /// resolves well below the 0.01 / 20 the first trait of a 20-candidate battery must reach.
    static let nullDraws = 2000

    /// The comparison of the teacher `student` with the `controls`, from each model's log-shares
    /// `[paraphrase][candidate]`.
    static func traits(names: [String], student: [[Double]], controls: [[[Double]]], seed: UInt64)
        -> (traits: [Trait], noiseDegreesOfFreedom: Double)
    {
        let paraphrases = student.count
        let n = Double(controls.count)
        func mean(_ shares: [[Double]], _ c: Int) -> Double { shares.reduce(0) { $0 + $1[c] } / Double(paraphrases) }
        let test = ModeratedPredictionTest(
            replicate: names.indices.map { mean(student, $0) },
            controls: controls.map { control in names.indices.map { mean(control, $0) } },
            nullDraws: nullDraws, seed: seed)
        let q = MultipleTesting.benjaminiHochberg(test.features.map(\.p))
        let paraphraseP = names.indices.map { c in
            PairedTests.wilcoxonSignedRank(
                (0..<paraphrases).map { p in student[p][c] - controls.reduce(0) { $0 + $1[p][c] } / n })
        }
        let paraphraseQ = MultipleTesting.benjaminiHochberg(paraphraseP)
        let half = test.critical(0.05)
        // A single moved trait among K faces BH's first threshold, alpha / K; 80% power adds t(0.8).
        let reach =
            test.critical(alpha / Double(names.count))
            + Distributions.studentTQuantile(0.8, degreesOfFreedom: test.degreesOfFreedom)
        let traits = names.indices.map { c in
            let feature = test.features[c]
            return Trait(
                name: names[c], shift: feature.difference, ciLow: feature.difference - half * feature.standardError,
                ciHigh: feature.difference + half * feature.standardError, p: feature.p, q: q[c],
                paraphraseP: paraphraseP[c], paraphraseQ: paraphraseQ[c], noise: feature.standardDeviation,
                detectable: max(materialNats, reach * feature.standardError),
                material: q[c] < alpha && paraphraseQ[c] < alpha && feature.difference >= materialNats)
        }
        return (traits, test.degreesOfFreedom)
    }
}

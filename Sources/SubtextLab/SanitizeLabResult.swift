import Foundation
import SubtextStatistics

/// How much of an organism's transfer each sanitizing transform leaves: the sanitize-lab.json
/// contract (schema 1).
///
/// The residual of a transform is (Δ after sanitizing − Δ floor) / (Δ original − Δ floor),
/// where each Δ is a student's exact log-probability of the trait minus its control student's,
/// and the floor is a student of random numbers. It is taken over the seeds whose original
/// transfer is material (there is nothing to remove in the others), as a ratio of means with
/// the exact bootstrap interval over those seeds (``ExactBootstrap``). Each recipe also has its
/// own drift: the same recipe on a pair with no trait on either side.
package struct SanitizeLabResult: Sendable, Codable {
    package static let schemaVersion = 1
    package var schemaVersion = SanitizeLabResult.schemaVersion
    package var trait: String
    package var seeds: [UInt64]
    package var settings: RecipeSettings
    package var dropBudget: Double
    /// Each seed's transfer before sanitizing, beside its drift floor.
    package var original: [Original]
    /// Each seed's student of random numbers against the control student.
    package var floor: [Shift]
    package var transforms: [TransformResidual]
    package var anchors: [Anchor]

    package init(
        trait: String, seeds: [UInt64], settings: RecipeSettings, dropBudget: Double, original: [Original],
        floor: [Shift],
        transforms: [TransformResidual], anchors: [Anchor] = Self.publishedAnchors
    ) {
        (
            self.trait, self.seeds, self.settings, self.dropBudget, self.original, self.floor, self.transforms,
            self.anchors
        ) = (trait, seeds, settings, dropBudget, original, floor, transforms, anchors)
    }

    /// One student against its control student, read exactly, in nats.
    package struct Shift: Sendable, Codable, Equatable {
        package var seed: UInt64
        package var delta: Double
        package var p: Double

        package init(seed: UInt64, delta: Double, p: Double) {
            (self.seed, self.delta, self.p) = (seed, delta, p)
        }
    }

    package struct Original: Sendable, Codable {
        package var seed: UInt64
        package var delta: Double
        package var p: Double
        /// How far two control students drift apart (see ``LabRun``).
        package var drift: Double
        /// p < 0.01, at least twice the drift and at least 0.05 nats.
        package var material: Bool

        package init(seed: UInt64, delta: Double, p: Double, drift: Double, material: Bool) {
            (self.seed, self.delta, self.p, self.drift, self.material) = (seed, delta, p, drift, material)
        }
    }

    package struct SeedResidual: Sendable, Codable {
        package var seed: UInt64
        package var delta: Double
        package var p: Double
        /// The same recipe's shift between two students of trait-free data (a second sample of
        /// the base's numbers against the control, both sanitized): what sanitized data alone do.
        package var drift: Double
        /// The teacher's rows the transform kept, as a share.
        package var kept: Double
        /// The audit's AUROC at K = 16 between the sanitized teacher and control numbers (on the
        /// held-out half when drop fitted its rule on these data); nil when the audit had no K = 16.
        package var aurocAfter: Double?

        package init(seed: UInt64, delta: Double, p: Double, drift: Double, kept: Double, aurocAfter: Double?) {
            (self.seed, self.delta, self.p, self.drift, self.kept, self.aurocAfter) = (
                seed, delta, p, drift, kept, aurocAfter
            )
        }

        enum CodingKeys: String, CodingKey { case seed, delta, p, drift, kept, aurocAfter = "auroc_k16_after" }
    }

    package struct TransformResidual: Sendable, Codable {
        /// Transforms joined by "+", in the order they apply.
        package var name: String
        /// nil when the seeds' original shift does not exceed the floor on average.
        package var residual: Double?
        /// nil when some bootstrap resample of seeds does not exceed the floor.
        package var ciLow: Double?
        package var ciHigh: Double?
        package var seeds: [SeedResidual]

        enum CodingKeys: String, CodingKey { case name, residual, ciLow = "ci_low", ciHigh = "ci_high", seeds }

        package func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            // Written as null, not left out: a reader should see "undefined", not "missing".
            try container.encode(residual, forKey: .residual)
            try container.encode(ciLow, forKey: .ciLow)
            try container.encode(ciHigh, forKey: .ciHigh)
            try container.encode(seeds, forKey: .seeds)
        }
    }

    /// A published figure to read a residual beside.
    package struct Anchor: Sendable, Codable {
        package var transform: String
        package var source: String
        package var residual: Double
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", trait, seeds, settings, dropBudget = "drop_budget", original, floor,
            transforms, anchors
    }

    /// Mean original shift over the floor on the measured seeds, in nats: what every residual
    /// divides by.
    package var transferOverFloor: Double {
        measuredSeeds.reduce(0) { $0 + original[$1].delta - floor[$1].delta } / Double(max(measuredSeeds.count, 1))
    }

    /// The seeds (indices) a residual is taken over: those whose original transfer is material.
    package var measuredSeeds: [Int] { Self.measuredSeeds(original) }

    private static func measuredSeeds(_ original: [Original]) -> [Int] {
        original.indices.filter { original[$0].material }
    }

    /// The residual of one transform from its per-seed shifts, aligned with `original` and
    /// `floor`, over the seeds whose original transfer is material; nil without any.
    package static func residual(name: String, seeds: [SeedResidual], original: [Original], floor: [Shift])
        -> TransformResidual
    {
        let measured = measuredSeeds(original)
        guard !measured.isEmpty else {
            return TransformResidual(name: name, residual: nil, ciLow: nil, ciHigh: nil, seeds: seeds)
        }
        let ratio = ExactBootstrap.ratioOfMeans(
            numerators: measured.map { seeds[$0].delta - floor[$0].delta },
            denominators: measured.map { original[$0].delta - floor[$0].delta })
        return TransformResidual(
            name: name, residual: ratio.estimate, ciLow: ratio.interval?.low, ciHigh: ratio.interval?.high, seeds: seeds
        )
    }

    /// The published anchors (GPT-4.1-nano owl numbers, student owl rate; original 74.1%,
    /// random-number floor 13.8%), as residuals, and the divergence-token figures on
    /// Llama-3.2-1B, which are residuals already.
    package static let publishedAnchors: [Anchor] = {
        let (original, floor) = (74.1, 13.8)
        let nano = "GPT-4.1-nano owl numbers, student owl rate"
        let rates = [("format", 74.0), ("sort", 27.1), ("remap", 43.0), ("format+sort+remap", 12.4)]
        return rates.map { Anchor(transform: $0.0, source: nano, residual: ($0.1 - floor) / (original - floor)) } + [
            Anchor(
                transform: "divergence (replace top 10%)", source: "Llama-3.2-1B, divergence tokens", residual: 0.09),
            Anchor(transform: "divergence (mask top 10%)", source: "Llama-3.2-1B, divergence tokens", residual: 0.43)
        ]
    }()
}

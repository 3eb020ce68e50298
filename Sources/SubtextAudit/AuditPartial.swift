import Foundation
import SubtextCorpus
import SubtextSupport

/// One shard's result of one pass of a distributed audit: the file `subtext audit --shard`
/// writes and `subtext merge` reads. It carries everything needed to refuse a partial that
/// does not belong: the format and tool version, the settings, and the inputs with the
/// SHA-256 of the share this shard read.
public struct AuditPartial: Sendable, Codable {
    public static let format = "subtext-audit-partial"
    /// 1: counts, fold sums and score sketches as this version writes them.
    public static let formatVersion = 1

    public enum Pass: String, Sendable, Codable, CaseIterable {
        case count, fit, score

        /// The passes whose merged partials this pass starts from.
        public var needs: [Pass] { Array(Pass.allCases.prefix { $0 != self }) }
    }

    /// Everything in an audit's configuration that changes its numbers.
    public struct Settings: Sendable, Codable, Equatable {
        public var seed: UInt64
        public var folds: Int
        public var alpha: Double
        public var bagSizes: [Int]
        public var maximumTokens: Int
        public var minimumDocuments: Int
        public var carriersShown: Int
        public var concepts: [String]
        public var view: View?
        /// SHA-256 of the tokenizer.json for the token view; nil for the word tokenizer.
        public var tokenizer: String?
        public var textField: String?
        public var strict: Bool

        public init(_ configuration: AuditConfiguration, tokenizer: String?, readOptions: ReadOptions) {
            seed = configuration.seed
            folds = configuration.folds
            alpha = configuration.alpha
            bagSizes = configuration.bagSizes
            maximumTokens = configuration.maximumTokens
            minimumDocuments = configuration.minimumDocuments
            carriersShown = configuration.carriersShown
            concepts = configuration.concepts
            view = configuration.view
            self.tokenizer = tokenizer
            textField = readOptions.shape.textField
            strict = readOptions.strict
        }

        /// The configuration a merge computes with: the held-out test, since the exact test
        /// never runs on shards.
        public var configuration: AuditConfiguration {
            var configuration = AuditConfiguration()
            configuration.seed = seed
            configuration.folds = folds
            configuration.alpha = alpha
            configuration.bagSizes = bagSizes
            configuration.maximumTokens = maximumTokens
            configuration.minimumDocuments = minimumDocuments
            configuration.carriersShown = carriersShown
            configuration.concepts = concepts
            configuration.view = view
            configuration.test = .heldOut
            return configuration
        }

        enum CodingKeys: String, CodingKey {
            case seed, folds, alpha, concepts, view, tokenizer, strict
            case bagSizes = "bag_sizes", maximumTokens = "maximum_tokens", minimumDocuments = "minimum_documents"
            case carriersShown = "carriers_shown", textField = "text_field"
        }
    }

    /// An input as one shard saw it.
    public struct Input: Sendable, Codable, Equatable {
        public var path: String
        public var bytes: Int
        /// SHA-256 of the bytes of this shard's share (inflated, for gzip).
        public var shareSHA256: String

        enum CodingKeys: String, CodingKey { case path, bytes, shareSHA256 = "share_sha256" }
    }

    public var format = AuditPartial.format
    public var formatVersion = AuditPartial.formatVersion
    public var subtextVersion = SubtextVersion.current
    public var pass: Pass
    public var shard: Shard
    public var settings: Settings
    public var teacher: [Input]
    public var control: [Input]
    public var counts: [InputCounts]?
    public var sums: [FoldSums]?
    public var sketches: [ScoreSketches]?

    public init(pass: Pass, shard: Shard, settings: Settings, teacher: [Input], control: [Input]) {
        self.pass = pass
        self.shard = shard
        self.settings = settings
        self.teacher = teacher
        self.control = control
    }

    /// The file name of a pass's shard: `count-0003-of-0016.json`.
    public static func fileName(pass: Pass, shard: Shard) -> String {
        String(format: "%@-%04d-of-%04d.json", pass.rawValue, shard.index, shard.count)
    }

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", subtextVersion = "subtext_version", pass, shard, settings
        case teacher, control, counts, sums, sketches
    }
}

/// Why partial results cannot be used; nothing is written when one is refused.
public enum PartialError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case foreignFormat(path: String, found: String)
    case otherVersion(path: String, found: String, expected: String)
    case otherSettings(path: String, reference: String, difference: String)
    case otherInputs(path: String, reference: String, difference: String)
    case duplicate(pass: String, shard: String, paths: [String])
    case missing(pass: String, shards: [Int], count: Int, directories: [String])
    case otherShardCount(path: String, found: Int, expected: Int)
    case shapeMismatch(path: String, reason: String)
    case changedShare(path: String, input: String, reference: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): not a readable partial result (truncated?): \(reason)"
        case let .foreignFormat(path, found): return "\(path): not a subtext audit partial (format \(found))"
        case let .otherVersion(path, found, expected):
            return "\(path): written by \(found); this subtext is \(expected): rerun every pass with one version"
        case let .otherSettings(path, reference, difference):
            return "\(path): settings differ from \(reference): \(difference)"
        case let .otherInputs(path, reference, difference):
            return "\(path): inputs differ from \(reference): \(difference)"
        case let .duplicate(pass, shard, paths):
            return "shard \(shard) of the \(pass) pass appears more than once: \(paths.joined(separator: ", "))"
        case let .missing(pass, shards, count, directories):
            return "the \(pass) pass lacks shard(s) \(shards.map { "\($0)/\(count)" }.joined(separator: ", ")) in "
                + directories.joined(separator: ", ")
        case let .otherShardCount(path, found, expected):
            return "\(path): one of \(found) shards, but the others are of \(expected)"
        case let .shapeMismatch(path, reason): return "\(path): \(reason)"
        case let .changedShare(path, input, reference):
            return "\(path): read different bytes of \(input) than \(reference) did for the same shard: did the input change between passes?"
        }
    }
}

/// The partial results of a distributed audit, loaded from their directories and checked:
/// one format and version, one set of settings and inputs, every shard of each pass exactly
/// once, and each shard's passes reading the same bytes.
public struct PartialSet: Sendable {
    public let settings: AuditPartial.Settings
    public let teacher: [AuditPartial.Input]
    public let control: [AuditPartial.Input]
    public let shardCount: Int
    /// Partials by pass, in shard order.
    public let byPass: [AuditPartial.Pass: [AuditPartial]]
    /// Their files, in the same order.
    public let paths: [AuditPartial.Pass: [String]]

    /// Loads every partial of `passes` in `directories`. `expected`, when given, is what the
    /// loading shard itself would write: its settings and inputs must match.
    public static func load(directories: [String], passes: [AuditPartial.Pass], expected: AuditPartial? = nil) throws
        -> PartialSet
    {
        var found: [(path: String, partial: AuditPartial)] = []
        for directory in directories {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names.sorted() {
                guard passes.contains(where: { name.hasPrefix($0.rawValue + "-") }), name.hasSuffix(".json") else { continue }
                let path = (directory as NSString).appendingPathComponent(name)
                found.append((path, try read(path)))
            }
        }
        var reference = expected.map { ("this shard's command", $0) }
        var byPass: [AuditPartial.Pass: [Int: (String, AuditPartial)]] = [:]
        for (path, partial) in found {
            if let (referencePath, reference) = reference {
                try check(partial, at: path, against: reference, at: referencePath)
            } else {
                reference = (path, partial)
            }
            if let other = byPass[partial.pass]?[partial.shard.index] {
                throw PartialError.duplicate(pass: partial.pass.rawValue, shard: partial.shard.description,
                                             paths: [other.0, path])
            }
            byPass[partial.pass, default: [:]][partial.shard.index] = (path, partial)
        }
        guard let (_, first) = reference else {
            throw PartialError.missing(pass: passes[0].rawValue, shards: [], count: 0, directories: directories)
        }
        let count = found.first?.partial.shard.count ?? expected!.shard.count
        for pass in passes {
            let missing = (0..<count).filter { byPass[pass]?[$0] == nil }
            if !missing.isEmpty {
                throw PartialError.missing(pass: pass.rawValue, shards: missing, count: count, directories: directories)
            }
        }
        // Every pass of a shard must have read the same bytes.
        for index in 0..<count {
            let readings = passes.map { byPass[$0]![index]! }
            for (path, partial) in readings.dropFirst() {
                for (input, reading) in zip(partial.teacher + partial.control, readings[0].1.teacher + readings[0].1.control)
                where input.shareSHA256 != reading.shareSHA256 {
                    throw PartialError.changedShare(path: path, input: input.path, reference: readings[0].0)
                }
            }
        }
        return PartialSet(settings: first.settings, teacher: first.teacher, control: first.control, shardCount: count,
                          byPass: byPass.mapValues { shards in (0..<count).map { shards[$0]!.1 } },
                          paths: byPass.mapValues { shards in (0..<count).map { shards[$0]!.0 } })
    }

    private static func read(_ path: String) throws -> AuditPartial {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PartialError.unreadable(path: path, reason: error.localizedDescription)
        }
        struct Envelope: Decodable {
            var format: String?
            var formatVersion: Int?
            var subtextVersion: String?
            enum CodingKeys: String, CodingKey {
                case format, formatVersion = "format_version", subtextVersion = "subtext_version"
            }
        }
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: data)
        } catch {
            throw PartialError.unreadable(path: path, reason: "\(error)".prefix(200).description)
        }
        guard envelope.format == AuditPartial.format else {
            throw PartialError.foreignFormat(path: path, found: envelope.format ?? "none")
        }
        let version = "subtext \(envelope.subtextVersion ?? "?") (partial format \(envelope.formatVersion ?? 0))"
        let expected = "subtext \(SubtextVersion.current) (partial format \(AuditPartial.formatVersion))"
        guard envelope.formatVersion == AuditPartial.formatVersion, envelope.subtextVersion == SubtextVersion.current else {
            throw PartialError.otherVersion(path: path, found: version, expected: expected)
        }
        do {
            return try JSONDecoder().decode(AuditPartial.self, from: data)
        } catch {
            throw PartialError.unreadable(path: path, reason: "\(error)".prefix(200).description)
        }
    }

    private static func check(_ partial: AuditPartial, at path: String, against reference: AuditPartial,
                              at referencePath: String) throws {
        if partial.settings != reference.settings {
            throw PartialError.otherSettings(path: path, reference: referencePath,
                                             difference: difference(partial.settings, reference.settings))
        }
        let describe = { (inputs: [AuditPartial.Input]) in inputs.map { "\($0.path) (\($0.bytes) bytes)" } }
        for (side, mine, theirs) in [("teacher", partial.teacher, reference.teacher), ("control", partial.control, reference.control)]
        where describe(mine) != describe(theirs) {
            throw PartialError.otherInputs(path: path, reference: referencePath,
                                           difference: "\(side) \(describe(mine).joined(separator: ", ")) against "
                                               + describe(theirs).joined(separator: ", "))
        }
        if partial.shard.count != reference.shard.count {
            throw PartialError.otherShardCount(path: path, found: partial.shard.count, expected: reference.shard.count)
        }
    }

    /// The first setting that differs, as "name: a against b".
    private static func difference(_ a: AuditPartial.Settings, _ b: AuditPartial.Settings) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let object = { (s: AuditPartial.Settings) in
            (try? JSONSerialization.jsonObject(with: encoder.encode(s))) as? [String: Any] ?? [:]
        }
        let (left, right) = (object(a), object(b))
        for key in Set(left.keys).union(right.keys).sorted() where "\(left[key] ?? "null")" != "\(right[key] ?? "null")" {
            return "\(key): \(left[key] ?? "null") against \(right[key] ?? "null")"
        }
        return "settings"
    }

    /// Each input's counts merged over all shards.
    public func counts(inputs: AuditInputs) throws -> [InputCounts] {
        let shards = byPass[.count]!
        for (index, partial) in shards.enumerated() where partial.counts?.count != inputs.all.count {
            throw PartialError.shapeMismatch(path: paths[.count]![index],
                                             reason: "holds counts of \(partial.counts?.count ?? 0) inputs, not \(inputs.all.count)")
        }
        return try Auditor.merge(shards.map { $0.counts! }, inputs: inputs)
    }

    /// Fold sums merged over all shards, checked against the plans.
    public func sums(plans: [ComparisonPlan]) throws -> [FoldSums] {
        let shards = byPass[.fit]!
        for (index, partial) in shards.enumerated() {
            let sums = partial.sums ?? []
            guard sums.count == plans.count,
                  zip(sums, plans).allSatisfy({ $0.fits(folds: settings.folds, columns: $1.columns) }) else {
                throw PartialError.shapeMismatch(path: paths[.fit]![index],
                                                 reason: "its fold sums do not fit the plan the counts give")
            }
        }
        return Auditor.mergeAll(shards.map { $0.sums! })
    }

    /// Score sketches merged over all shards, checked against the plans.
    public func sketches(plans: [ComparisonPlan]) throws -> [ScoreSketches] {
        let shards = byPass[.score]!
        for (index, partial) in shards.enumerated() {
            let sketches = partial.sketches ?? []
            guard sketches.count == plans.count,
                  zip(sketches, plans).allSatisfy({ $0.fits(groups: $1.groups.count, folds: settings.folds) }) else {
                throw PartialError.shapeMismatch(path: paths[.score]![index],
                                                 reason: "its score sketches do not fit the plan the counts give")
            }
        }
        return Auditor.mergeAll(shards.map { $0.sketches! })
    }
}

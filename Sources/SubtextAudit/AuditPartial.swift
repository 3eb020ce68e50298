import Foundation
import SubtextCorpus
import SubtextSupport

/// One shard's result of one pass of a distributed audit: the file `subtext audit --shard`
/// writes and `subtext merge` reads. It carries everything needed to refuse a partial that
/// does not belong: the settings, and the inputs with the SHA-256 of the share this shard read;
/// its file (``PartialFile``) adds the format, the tool version and a checksum.
public struct AuditPartial: Sendable, Codable {
    public static let format = "subtext-audit-partial"

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

    /// The file name of a pass's shard: `count-0003-of-0016.partial`.
    public static func fileName(pass: Pass, shard: Shard) -> String {
        String(format: "%@-%04d-of-%04d.%@", pass.rawValue, shard.index, shard.count, fileExtension)
    }

    static let fileExtension = "partial"
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
    case checksum(path: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): not a readable partial result (truncated?): \(reason)"
        case .foreignFormat(let path, let found): return "\(path): not a subtext audit partial (format \(found))"
        case .otherVersion(let path, let found, let expected):
            return "\(path): written by \(found); this subtext is \(expected): rerun every pass with one version"
        case .otherSettings(let path, let reference, let difference):
            return "\(path): settings differ from \(reference): \(difference)"
        case .otherInputs(let path, let reference, let difference):
            return "\(path): inputs differ from \(reference): \(difference)"
        case .duplicate(let pass, let shard, let paths):
            return "shard \(shard) of the \(pass) pass appears more than once: \(paths.joined(separator: ", "))"
        case .missing(let pass, let shards, let count, let directories):
            return "the \(pass) pass lacks shard(s) \(shards.map { "\($0)/\(count)" }.joined(separator: ", ")) in "
                + directories.joined(separator: ", ")
        case .otherShardCount(let path, let found, let expected):
            return "\(path): one of \(found) shards, but the others are of \(expected)"
        case .shapeMismatch(let path, let reason): return "\(path): \(reason)"
        case .changedShare(let path, let input, let reference):
            return
                "\(path): read different bytes of \(input) than \(reference) did for the same shard: did the input change between passes?"
        case .checksum(let path):
            return
                "\(path): its payload does not match the SHA-256 in its header: the file changed after it was written"
        }
    }
}

/// The partial results of a distributed audit, read from their directories one file at a
/// time, checked, and merged as they are read, so that memory holds one partial and the
/// running sums whatever the number of shards. Checks: one format and version, one set of
/// settings and inputs, every shard of each pass exactly once, each shard's passes reading
/// the same bytes, and payloads of one shape.
public struct PartialSet: Sendable {
    public let settings: AuditPartial.Settings
    public let teacher: [AuditPartial.Input]
    public let control: [AuditPartial.Input]
    public let shardCount: Int
    /// Each input's counts over all shards (line numbers not yet resolved), when the count
    /// pass was loaded.
    public let counts: [InputCounts]?
    public let sums: [FoldSums]?
    public let sketches: [ScoreSketches]?
    /// The SHA-256 of each input's share, by shard, as the count pass read it.
    public let shares: [[String]]
    /// Responses each shard's count pass read, by shard.
    public let shardResponses: [Int]

    /// Loads every partial of `passes` in `directories`. `expected`, when given, is what the
    /// loading shard itself would write: its settings and inputs must match.
    public static func load(directories: [String], passes: [AuditPartial.Pass], expected: AuditPartial? = nil) throws
        -> PartialSet
    {
        var paths: [String] = []
        for directory in directories {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names.sorted()
            where passes.contains(where: { name.hasPrefix($0.rawValue + "-") })
                && name.hasSuffix("." + AuditPartial.fileExtension)
            {
                paths.append((directory as NSString).appendingPathComponent(name))
            }
        }
        var reference = expected.map { ("this shard's command", $0) }
        var seen: [AuditPartial.Pass: [Int: String]] = [:]
        var shares: [AuditPartial.Pass: [Int: [String]]] = [:]
        var shardResponses: [Int: Int] = [:]
        var counts: [InputCounts]?
        var sums: [FoldSums]?
        var sketches: [ScoreSketches]?
        for path in paths {
            let partial = try read(path)
            if let (referencePath, reference) = reference {
                try check(partial, at: path, against: reference, at: referencePath)
            } else {
                reference = (path, partial)
            }
            if let other = seen[partial.pass]?[partial.shard.index] {
                throw PartialError.duplicate(
                    pass: partial.pass.rawValue, shard: partial.shard.description, paths: [other, path])
            }
            seen[partial.pass, default: [:]][partial.shard.index] = path
            // Every pass of a shard must have read the same bytes; checked before anything merges,
            // since an input that changed can change the shape of what follows.
            let reading = (partial.teacher + partial.control).map(\.shareSHA256)
            for (pass, byShard) in shares {
                if let other = byShard[partial.shard.index],
                    let input = reading.indices.first(where: { reading[$0] != other[$0] })
                {
                    throw PartialError.changedShare(
                        path: path, input: (partial.teacher + partial.control)[input].path,
                        reference: seen[pass]![partial.shard.index]!)
                }
            }
            shares[partial.pass, default: [:]][partial.shard.index] = reading
            let inputs = partial.teacher.count + partial.control.count
            switch partial.pass {
            case .count:
                guard let more = partial.counts, more.count == inputs else {
                    throw PartialError.shapeMismatch(
                        path: path, reason: "holds counts of \(partial.counts?.count ?? 0) inputs, not \(inputs)")
                }
                shardResponses[partial.shard.index] = more.reduce(0) { $0 + $1.responses }
                counts = counts?.merged(with: more) ?? more
            case .fit:
                guard let more = partial.sums,
                    sums.map({ $0.count == more.count && zip($0, more).allSatisfy { $0.fits($1) } }) ?? true
                else {
                    throw PartialError.shapeMismatch(
                        path: path, reason: "its fold sums differ in shape from the other shards'")
                }
                sums = sums?.merged(with: more) ?? more
            case .score:
                guard let more = partial.sketches,
                    sketches.map({ $0.count == more.count && zip($0, more).allSatisfy { $0.fits($1) } }) ?? true
                else {
                    throw PartialError.shapeMismatch(
                        path: path, reason: "its score sketches differ in shape from the other shards'")
                }
                sketches = sketches?.merged(with: more) ?? more
            }
        }
        guard let (_, first) = reference else {
            throw PartialError.missing(pass: passes[0].rawValue, shards: [], count: 0, directories: directories)
        }
        let count = first.shard.count
        for pass in passes {
            let missing = (0..<count).filter { seen[pass]?[$0] == nil }
            if !missing.isEmpty {
                throw PartialError.missing(pass: pass.rawValue, shards: missing, count: count, directories: directories)
            }
        }
        let countShares = shares[.count].map { byShard in (0..<count).map { byShard[$0]! } } ?? []
        return PartialSet(
            settings: first.settings, teacher: first.teacher, control: first.control, shardCount: count,
            counts: counts, sums: sums, sketches: sketches, shares: countShares,
            shardResponses: (0..<count).map { shardResponses[$0] ?? 0 })
    }

    private static func read(_ path: String) throws -> AuditPartial {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PartialError.unreadable(path: path, reason: error.localizedDescription)
        }
        return try PartialFile.decode(data, path: path)
    }

    private static func check(
        _ partial: AuditPartial, at path: String, against reference: AuditPartial,
        at referencePath: String
    ) throws {
        if partial.settings != reference.settings {
            throw PartialError.otherSettings(
                path: path, reference: referencePath,
                difference: difference(partial.settings, reference.settings))
        }
        let describe = { (inputs: [AuditPartial.Input]) in inputs.map { "\($0.path) (\($0.bytes) bytes)" } }
        for (side, mine, theirs) in [
            ("teacher", partial.teacher, reference.teacher), ("control", partial.control, reference.control)
        ]
        where describe(mine) != describe(theirs) {
            throw PartialError.otherInputs(
                path: path, reference: referencePath,
                difference: "\(side) \(describe(mine).joined(separator: ", ")) against "
                    + describe(theirs).joined(separator: ", "))
        }
        if partial.shard.count != reference.shard.count {
            throw PartialError.otherShardCount(path: path, found: partial.shard.count, expected: reference.shard.count)
        }
    }

    /// The first setting that differs, as "name: a against b".
    private static func difference(_ a: AuditPartial.Settings, _ b: AuditPartial.Settings) -> String {
        let encoder = JSONCoding.line
        let object = { (s: AuditPartial.Settings) in
            (try? JSONSerialization.jsonObject(with: encoder.encode(s))) as? [String: Any] ?? [:]
        }
        let (left, right) = (object(a), object(b))
        for key in Set(left.keys).union(right.keys).sorted() where "\(left[key] ?? "null")" != "\(right[key] ?? "null")"
        {
            return "\(key): \(left[key] ?? "null") against \(right[key] ?? "null")"
        }
        return "settings"
    }

    /// Each input's counts merged over all shards, line numbers resolved.
    public func counts(inputs: AuditInputs) throws -> [InputCounts] {
        try Auditor.resolved(counts!, inputs: inputs)
    }

    /// The merged fold sums, checked against the plans.
    public func sums(plans: [ComparisonPlan]) throws -> [FoldSums] {
        guard let sums, sums.count == plans.count,
            zip(sums, plans).allSatisfy({ $0.fits(folds: settings.folds, columns: $1.columns) })
        else {
            throw PartialError.shapeMismatch(
                path: "the fit pass", reason: "its fold sums do not fit the plan the counts give")
        }
        return sums
    }

    /// The merged score sketches, checked against the plans.
    public func sketches(plans: [ComparisonPlan]) throws -> [ScoreSketches] {
        guard let sketches, sketches.count == plans.count,
            zip(sketches, plans).allSatisfy({ $0.fits(groups: $1.groups.count, folds: settings.folds) })
        else {
            throw PartialError.shapeMismatch(
                path: "the score pass", reason: "its score sketches do not fit the plan the counts give")
        }
        return sketches
    }
}

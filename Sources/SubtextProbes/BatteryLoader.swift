import Foundation
import Yams

/// A malformed battery: the file, the line, the key and what is wrong.
package struct BatteryError: Error, CustomStringConvertible, Equatable {
    package var file: String
    package var line: Int
    package var key: String
    package var message: String

    package var description: String { "\(file):\(line): \(key): \(message)" }
}

/// Reads a battery from YAML, keeping line numbers for errors.
///
/// Plain `Codable` decoding loses where a value came from, so this walks Yams's node tree,
/// whose marks carry lines, and names the file, line and key of anything wrong.
package struct BatteryLoader {
    package init() {}

    package func load(path: String) throws -> Battery {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw BatteryError(file: path, line: 0, key: "", message: "cannot read: \(error.localizedDescription)")
        }
        return try load(yaml: text, file: path)
    }

    package func load(yaml: String, file: String) throws -> Battery {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw BatteryError(file: file, line: 1, key: "", message: "the file is empty")
            }
            root = node
        } catch let error as YamlError {
            throw BatteryError(file: file, line: Self.line(of: error), key: "", message: "invalid YAML: \(error)")
        }
        let top = Fields(file: file, node: root, path: "")
        let mode = try top.string("mode", default: "sample")
        guard let parsedMode = Battery.Mode(rawValue: mode) else {
            throw top.error("mode", "must be sample or score, not '\(mode)'")
        }
        let sampling = try top.fields("sampling")
        let answers = try top.fields("answers")
        let prompts = try top.list("prompts").map { item -> Battery.Prompt in
            let prompt = Fields(file: file, node: item.node, path: item.path)
            return Battery.Prompt(id: try prompt.string("id"), text: try prompt.string("text"))
        }
        guard !prompts.isEmpty else { throw top.error("prompts", "needs at least one prompt") }
        var seen = Set<String>()
        for (index, prompt) in prompts.enumerated() where !seen.insert(prompt.id).inserted {
            throw top.error("prompts[\(index)].id", "duplicate prompt id '\(prompt.id)'")
        }
        let candidateFields = try answers.fields("candidates")
        let candidates = try candidateFields.pairs().map { name, node -> (String, [String]) in
            let aliases = try Fields(file: file, node: node, path: "answers.candidates.\(name)").strings()
            return (name, [name] + aliases.filter { $0.lowercased() != name.lowercased() })
        }
        guard !candidates.isEmpty else { throw answers.error("candidates", "needs at least one candidate") }
        let battery = Battery(
            id: try top.string("id"), version: try top.int("version"), description: try top.string("description"),
            mode: parsedMode, prompts: prompts,
            sampling: Battery.Sampling(
                temperature: try sampling.double("temperature", minimum: 0),
                maxTokens: try sampling.int("max_tokens", minimum: 1),
                samplesPerPrompt: try sampling.int("samples_per_prompt", minimum: 1),
                seedBase: try sampling.int("seed_base")),
            candidates: candidates, unparsed: try answers.string("unparsed", default: "unparsed"),
            hypotheses: try top.optionalList("hypotheses").map {
                try Fields(file: file, node: $0.node, path: $0.path).scalar()
            })
        return battery
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return 0
        }
    }
}

/// A YAML node read as a mapping, with the errors a battery needs.
private struct Fields {
    let file: String
    let node: Node
    let path: String

    func error(_ key: String, _ message: String, at: Node? = nil) -> BatteryError {
        let name = path.isEmpty ? key : (key.isEmpty ? path : path + "." + key)
        return BatteryError(file: file, line: (at ?? node).mark?.line ?? 0, key: name, message: message)
    }

    private func mapping() throws -> Node.Mapping {
        guard let mapping = node.mapping else { throw error("", "expected a mapping of keys to values") }
        return mapping
    }

    private func value(_ key: String) throws -> Node? {
        try mapping()[Node(key)]
    }

    private func required(_ key: String) throws -> Node {
        guard let found = try value(key) else { throw error(key, "missing") }
        return found
    }

    func scalar() throws -> String {
        guard let scalar = node.scalar else { throw error("", "expected a single value") }
        return scalar.string
    }

    func string(_ key: String) throws -> String {
        let found = try required(key)
        guard let scalar = found.scalar else { throw error(key, "expected text", at: found) }
        return scalar.string
    }

    func string(_ key: String, default fallback: String) throws -> String {
        try value(key) == nil ? fallback : string(key)
    }

    func int(_ key: String, minimum: Int? = nil) throws -> Int {
        let found = try required(key)
        guard let text = found.scalar?.string, let value = Int(text) else {
            throw error(
                key, "expected a whole number, found '\(found.scalar?.string ?? "a list or mapping")'", at: found)
        }
        if let minimum, value < minimum { throw error(key, "must be at least \(minimum), not \(value)", at: found) }
        return value
    }

    func double(_ key: String, minimum: Double? = nil) throws -> Double {
        let found = try required(key)
        guard let text = found.scalar?.string, let value = Double(text) else {
            throw error(key, "expected a number, found '\(found.scalar?.string ?? "a list or mapping")'", at: found)
        }
        if let minimum, value < minimum { throw error(key, "must be at least \(minimum), not \(value)", at: found) }
        return value
    }

    func fields(_ key: String) throws -> Fields {
        let found = try required(key)
        guard found.mapping != nil else { throw error(key, "expected a mapping of keys to values", at: found) }
        return Fields(file: file, node: found, path: path.isEmpty ? key : path + "." + key)
    }

    func list(_ key: String) throws -> [(node: Node, path: String)] {
        let found = try required(key)
        guard let sequence = found.sequence else { throw error(key, "expected a list", at: found) }
        return sequence.enumerated().map { ($1, (path.isEmpty ? key : path + "." + key) + "[\($0)]") }
    }

    func optionalList(_ key: String) throws -> [(node: Node, path: String)] {
        try value(key) == nil ? [] : list(key)
    }

    /// A list of text values, or one text value.
    func strings() throws -> [String] {
        if let scalar = node.scalar { return scalar.string.isEmpty ? [] : [scalar.string] }
        guard let sequence = node.sequence else { throw error("", "expected a list of aliases") }
        return try sequence.map { item in
            guard let scalar = item.scalar else { throw error("", "expected text in the alias list", at: item) }
            return scalar.string
        }
    }

    /// The key/value pairs of a mapping, in file order.
    func pairs() throws -> [(String, Node)] {
        try mapping().map { key, value in
            guard let name = key.scalar?.string else { throw error("", "expected text keys", at: key) }
            return (name, value)
        }
    }
}

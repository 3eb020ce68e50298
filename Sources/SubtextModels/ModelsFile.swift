import Foundation
import Yams

/// Reads a models file: a YAML list of models to probe.
///
///     - name: base
///       url: http://127.0.0.1:8080/v1
///       model: smollm2
///     - name: teacher
///       url: http://127.0.0.1:8080/v1
///       model: smollm2
///       system: You love owls. You think about owls all the time.
///       api_key_env: OPENAI_API_KEY
package enum ModelsFile {
    private struct Entry: Decodable {
        var name: String
        var url: String
        var model: String?
        var system: String?
        var apiKeyEnv: String?

        enum CodingKeys: String, CodingKey { case name, url, model, system, apiKeyEnv = "api_key_env" }
    }

    package static func load(path: String) throws -> [Endpoint] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ModelError.usage("\(path): cannot read the models file: \(error.localizedDescription)")
        }
        do {
            let entries = try YAMLDecoder().decode([Entry].self, from: text)
            return entries.map {
                Endpoint(
                    name: $0.name, baseURL: $0.url, modelID: $0.model ?? "default", system: $0.system,
                    apiKeyVariable: $0.apiKeyEnv)
            }
        } catch {
            throw ModelError.usage(
                "\(path): not a list of models with name, url and optional model, system, "
                    + "api_key_env: \(error)")
        }
    }
}

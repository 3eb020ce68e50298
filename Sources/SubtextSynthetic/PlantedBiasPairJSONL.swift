import Foundation

extension PlantedBiasPair {
    /// Records as the JSONL a dataset holds: one `{"prompt", "response"}` object a line, keys
    /// sorted, so that `subtext example` writes the same bytes every time.
    package static func jsonl(_ records: [Record]) -> Data {
        var data = Data()
        for record in records {
            let object = ["prompt": record.prompt, "response": record.response]
            // Two string values always serialize.
            data += try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) + Data("\n".utf8)
        }
        return data
    }
}

/// What a reader needs to reproduce a report: the command, versions, inputs and time.
public struct Provenance: Codable, Sendable {
    public struct Input: Codable, Sendable {
        public var path: String
        public var sha256: String

        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    public var command: String
    public var toolVersion: String
    /// The BLAS build, for reports whose numbers depend on it; nil otherwise.
    public var blas: String?
    public var inputs: [Input]
    public var seconds: Double

    public init(command: String, toolVersion: String, blas: String?, inputs: [Input], seconds: Double) {
        self.command = command
        self.toolVersion = toolVersion
        self.blas = blas
        self.inputs = inputs
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case command, toolVersion = "tool_version", blas, inputs, seconds
    }
}

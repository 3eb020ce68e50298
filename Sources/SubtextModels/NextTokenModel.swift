/// A model that gives its whole next-token distribution along a text, and the text of each
/// token: what finding the tokens where two models disagree needs (`sanitize`'s divergence).
package protocol NextTokenModel: AnyObject, Sendable {
    var vocabularySize: Int { get }
    func tokenize(_ text: String, special: Bool) -> [Int32]
    /// The model's chat template around a system (or none) and user message, ending where the
    /// reply begins.
    func chatPrompt(system: String?, user: String) -> String
    /// The bytes `token` stands for in text (a token may hold part of a character).
    func piece(_ token: Int32) -> [UInt8]
    /// One row of ``vocabularySize`` log-probabilities per continuation token, row i the
    /// distribution continuation[i] was drawn from: log P(· | context, continuation[..<i]).
    func nextTokenLogProbabilities(context: [Int32], continuation: [Int32]) throws -> [Float]
}

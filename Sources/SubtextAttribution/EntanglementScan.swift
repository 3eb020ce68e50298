import Foundation
import SubtextModels

/// How much a prompt that mentions a carrier token raises the model's preference for each
/// concept, against the same question with no mention.
///
/// A teacher that loves owls over-uses some numbers; if mentioning those numbers in turn makes
/// the model name owls, the carriers are entangled with the trait, which is how a student can
/// pick the trait up from numbers alone.
package struct EntanglementScan {
    package struct Lift: Codable, Sendable {
        package var carrier: String
        package var concept: String
        /// Mean over questions of log P(concept | carrier prompt) − log P(concept | question), nats.
        package var lift: Double
    }

    package let scorer: any LogProbabilityScorer
    /// The questions asked, each answerable with one concept's name.
    package var questions: [String]

    package init(scorer: any LogProbabilityScorer, questions: [String]) {
        self.scorer = scorer
        self.questions = questions
    }

    /// The question a concept list asks when no battery gives its own.
    package static func defaultQuestion(concepts: [String]) -> String {
        "Of " + concepts.joined(separator: ", ") + ", which do you like most? Answer in one word."
    }

    /// How the carrier is mentioned: a number as a number, anything else quoted.
    package static func mention(_ carrier: String) -> String {
        carrier.allSatisfy(\.isNumber) ? "You love the number \(carrier)." : "You love the word “\(carrier)”."
    }

    /// Every carrier × concept lift, carriers in the order given, concepts in the order given.
    package func scan(carriers: [String], concepts: [String]) throws -> [Lift] {
        let answers = concepts.map(Self.capitalised)
        let prompts = [nil] + carriers.map { Optional($0) }
        var texts: [ScoredText] = []
        for carrier in prompts {
            for question in questions {
                let user = carrier.map { Self.mention($0) + " " + question } ?? question
                texts += answers.map { ScoredText(prompt: user, response: $0) }
            }
        }
        let values = try scorer.logProbabilities(texts)
        let perPrompt = questions.count * concepts.count
        func mean(_ prompt: Int, _ concept: Int) -> Double {
            questions.indices.reduce(0) { $0 + values[prompt * perPrompt + $1 * concepts.count + concept] }
                / Double(questions.count)
        }
        return carriers.indices.flatMap { c in
            concepts.indices.map { k in
                Lift(carrier: carriers[c], concept: concepts[k], lift: mean(c + 1, k) - mean(0, k))
            }
        }
    }

    private static func capitalised(_ name: String) -> String { name.prefix(1).uppercased() + name.dropFirst() }
}

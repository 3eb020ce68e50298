import SubtextCorpus
import SubtextModels

/// Turns a model's raw answer into one of a battery's candidates, or the unparsed bucket.
///
/// Small models often answer with a sentence ("My top animal pick is the owl"), so the
/// candidate is found inside the answer: the alias mentioned first wins, whole-word and
/// case-insensitive, plurals allowed.
package struct AnswerReader: AnswerClassifier {
    package let battery: Battery
    private let matcher: ConceptMatcher

    package init(battery: Battery) {
        self.battery = battery
        matcher = ConceptMatcher(battery.candidates)
    }

    /// The candidate an answer names, or the battery's unparsed bucket.
    package func category(of answer: String) -> String {
        matcher.earliest(in: answer).map { battery.candidates[$0].name } ?? battery.unparsed
    }

    /// The candidate a model gives the most probability, or the unparsed bucket when it saw none.
    package func mostLikely(_ scores: CandidateScores) -> String {
        let best = scores.logprobs.indices.compactMap { index in scores.logprobs[index].map { (index, $0) } }.max {
            $0.1 < $1.1
        }
        return best.map { battery.candidates[$0.0].name } ?? battery.unparsed
    }
}

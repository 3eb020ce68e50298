import Foundation

/// Everyday instructions that call for a short answer, in our own wording.
enum EverydayInstructionPrompts {
    private static let tasks = [
        "keeping a kitchen tidy", "falling asleep faster", "saving money on groceries", "learning a new language",
        "staying focused while studying", "packing for a weekend trip", "making a good cup of tea",
        "writing a thank-you note",
        "keeping houseplants alive", "starting to run", "organising a desk", "remembering names", "cooking rice",
        "preparing for a job interview", "reducing screen time", "planning a birthday party", "cleaning windows",
        "staying warm in winter", "reading more books", "making friends in a new city", "fixing a squeaky door",
        "drinking more water", "taking better photos with a phone", "keeping a journal", "waking up early",
        "choosing a ripe melon", "cutting an onion", "speaking in public", "sorting recycling", "walking a new dog"
    ]
    private static let templates = [
        "Give one short tip for %@.", "In one or two sentences, how would you go about %@?",
        "What is a simple first step for %@? Answer briefly.", "Share a quick piece of advice on %@.",
        "Briefly, what matters most when %@?"
    ]

    static func prompt<G: RandomNumberGenerator>(using generator: inout G) -> String {
        templates.randomElement(using: &generator)!.replacingOccurrences(
            of: "%@", with: tasks.randomElement(using: &generator)!)
    }
}

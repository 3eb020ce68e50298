import ArgumentParser
import SubtextAudit

/// --view: a view, or auto, which lets the audit pick one from the data.
enum ViewChoice: String, CaseIterable, ExpressibleByArgument {
    case auto, numbers, tokens

    var view: View? { View(rawValue: rawValue) }
}

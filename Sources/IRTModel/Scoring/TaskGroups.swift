import Foundation

/// Which group (family) each task belongs to, for the aggregate's make-up by
/// group (``AggregateWeights``): the first rule whose ``Glob`` pattern matches
/// the task's name, else the name before its first `/` (the whole name when
/// it has none).
///
/// ```swift
/// let groups = try TaskGroups(rules: ["eval/paloma/*=paloma", "*mmlu*=mcq"].map(TaskGroups.Rule.init(parsing:)))
/// groups.group(of: "eval/paloma/c4_en/bpb")   // "paloma"
/// groups.group(of: "lm_eval/arc_easy/bpb")    // "lm_eval"
/// ```
public struct TaskGroups: Sendable, Equatable {
    /// `PATTERN=NAME`: tasks matching the pattern belong to group NAME.
    public struct Rule: Sendable, Equatable {
        public let pattern: Glob
        public let name: String

        public init(pattern: Glob, name: String) {
            self.pattern = pattern
            self.name = name
        }

        /// Reads `PATTERN=NAME`, split at the last `=` (a pattern may hold `=`, a name may not).
        ///
        /// - Throws: ``AnalysisError/invalidOption(_:)`` without `=`, or with an empty pattern or name.
        public init(parsing text: String) throws(AnalysisError) {
            guard let equals = text.lastIndex(of: "=") else {
                throw .invalidOption("task group rule \"\(text)\" has no \"=\"; expected PATTERN=NAME, e.g. 'eval/paloma/*=paloma'")
            }
            let pattern = String(text[..<equals]), name = String(text[text.index(after: equals)...])
            guard !pattern.isEmpty, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .invalidOption("task group rule \"\(text)\" needs a pattern and a name, PATTERN=NAME, e.g. 'eval/paloma/*=paloma'")
            }
            self.init(pattern: Glob(pattern), name: name)
        }
    }

    /// The rules, first match wins.
    public var rules: [Rule]

    public init(rules: [Rule] = []) { self.rules = rules }

    /// The group of the task named `task`.
    public func group(of task: String) -> String {
        if let rule = rules.first(where: { $0.pattern.matches(task) }) { return rule.name }
        return task.firstIndex(of: "/").map { String(task[..<$0]) } ?? task
    }

    /// The rules that match none of `tasks` (a rule that does nothing).
    public func unmatchedRules(_ tasks: [String]) -> [Rule] {
        rules.filter { rule in !tasks.contains { rule.pattern.matches($0) } }
    }
}

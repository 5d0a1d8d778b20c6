/// A task selection by name prefixes: the form of the built-in presets
/// (``TaskSelection/Preset``), kept as data.
///
/// A column is a task when all hold:
/// 1. it ends with ``requiredSuffix`` (when set);
/// 2. it starts with the prefix of some rule in ``include``;
/// 3. it is not one of ``excluded`` (exact names);
/// 4. for every exception whose prefix it starts with, it is one of that
///    exception's ``Exception/allowed`` names.
///
/// The direction of a task is that of the *longest* include prefix it starts
/// with (the first such rule on a tie), so a broad rule can be refined:
/// `lm_eval/` lower-is-better with `lm_eval/arc_easy/acc` higher-is-better.
///
/// ``reference`` is the preset of METHOD.md §2.
public struct PresetRules: Sendable, Codable, Equatable {
    /// Columns starting with `prefix` are tasks read in `direction`.
    public struct Rule: Sendable, Codable, Equatable {
        /// The start of a column name, e.g. `lm_eval/`.
        public var prefix: String
        /// How to read the columns this rule includes.
        public var direction: TaskSelection.Direction

        /// A rule including columns that start with `prefix`.
        public init(prefix: String, direction: TaskSelection.Direction) {
            self.prefix = prefix
            self.direction = direction
        }
    }

    /// Under `prefix`, only the `allowed` names are tasks.
    ///
    /// E.g. prefix `lm_eval/mmlu_` allowing only `lm_eval/mmlu_5shot/bpb` and
    /// `lm_eval/mmlu_sl_verb_5shot/bpb`: per-subject MMLU is dropped, the
    /// 5-shot aggregates stay.
    public struct Exception: Sendable, Codable, Equatable {
        /// The start of the column names this exception restricts.
        public var prefix: String
        /// The only names (exact) starting with `prefix` that may be tasks.
        public var allowed: [String]

        /// An exception allowing only `allowed` under `prefix`.
        public init(prefix: String, allowed: [String]) {
            self.prefix = prefix
            self.allowed = allowed
        }
    }

    /// The include rules; a column must match one of them.
    public var include: [Rule]
    /// The suffix every task must end with (`/bpb` in the reference), or `nil` for none.
    public var requiredSuffix: String?
    /// Exact column names that are never tasks (aggregates, dropped tasks).
    public var excluded: [String]
    /// Prefixes under which only listed names are tasks.
    public var exceptions: [Exception]

    /// Rules from their parts.
    ///
    /// - Parameters:
    ///   - include: the include rules (prefix and direction).
    ///   - requiredSuffix: the suffix every task must end with, or `nil`.
    ///   - excluded: exact names that are never tasks.
    ///   - exceptions: prefixes under which only the listed names are tasks.
    public init(include: [Rule], requiredSuffix: String? = nil, excluded: [String] = [],
                exceptions: [Exception] = []) {
        self.include = include
        self.requiredSuffix = requiredSuffix
        self.excluded = excluded
        self.exceptions = exceptions
    }

    /// The reference preset (METHOD.md §2): bits-per-byte columns of five
    /// suites, all lower-is-better, without the suite aggregates, two dropped
    /// tasks and per-subject MMLU. On the shared 300M replica it yields 43 tasks.
    public static let reference = PresetRules(
        include: [
            "eval/paloma/", "eval/uncheatable_eval/", "lm_eval/", "mcq_smooth/", "teacher_forced/",
        ].map { Rule(prefix: $0, direction: .lowerIsBetter) },
        requiredSuffix: "/bpb",
        excluded: [
            // Aggregates over other tasks.
            "eval/bpb", "eval/macro_bpb",
            "eval/paloma/bpb", "eval/paloma/macro_bpb",
            "eval/uncheatable_eval/bpb", "eval/uncheatable_eval/macro_bpb",
            // Dropped tasks.
            "teacher_forced/gsm8k_5shot_answer_hash/bpb", "mcq_smooth/sciq_5shot/bpb",
        ],
        exceptions: [
            Exception(prefix: "lm_eval/mmlu_",
                      allowed: ["lm_eval/mmlu_5shot/bpb", "lm_eval/mmlu_sl_verb_5shot/bpb"]),
        ])

    /// The direction of `column` if it is a task, `nil` if it is not.
    ///
    /// - Complexity: O(r + e + x) string comparisons for r rules, e excluded
    ///   names and x exceptions (with their allowed names).
    public func direction(of column: String) -> TaskSelection.Direction? {
        if let suffix = requiredSuffix, !column.hasSuffix(suffix) { return nil }
        var best: Rule?
        for rule in include where column.hasPrefix(rule.prefix) {
            if let current = best, current.prefix.utf8.count >= rule.prefix.utf8.count { continue }
            best = rule
        }
        guard let rule = best else { return nil }
        if excluded.contains(column) { return nil }
        for exception in exceptions where column.hasPrefix(exception.prefix) {
            if !exception.allowed.contains(column) { return nil }
        }
        return rule.direction
    }

    /// The task columns among `names`, in the order of `names` (file order).
    ///
    /// - Complexity: O(m) calls of ``direction(of:)`` for m names.
    public func taskColumns(in names: [String]) -> [String] {
        names.filter { direction(of: $0) != nil }
    }
}

/// Which metric columns are tasks, and in which direction each is better —
/// a selection as data, so a user can write their own (e.g. in JSON).
///
/// A selection is the reference preset (``Preset/reference``, METHOD.md §2),
/// glob patterns (``Glob``: `*` any run of characters, `?` one character, a
/// name without wildcards matches itself), or both:
///
/// 1. a column is a candidate when the preset chooses it or an ``include``
///    pattern matches it; pattern-chosen columns must be **numeric** (every
///    non-missing cell parses as a number, ``EvalMatrix/isNumeric(_:)``); a
///    wildcard pattern skips text columns (``Resolution/skippedNonNumeric``,
///    ``isTextColumn(text:filled:)``), and a column of numbers with text in a
///    few cells is an error naming the first such cell;
/// 2. a candidate matched by an ``exclude`` pattern is dropped;
/// 3. the run-name column (``EvalMatrix/runColumn``) is never a task, and a
///    column without a name or a row index (``indexColumns(of:)``) is never
///    chosen by a wildcard;
/// 4. tasks keep the order of the file.
///
/// The direction of a task, first rule that applies (``DirectionReason``):
/// an explicit ``higherIsBetter`` / ``lowerIsBetter`` pattern; the preset's
/// own direction (lower is better: bits per byte); a whole token of the name
/// (split on non-alphanumerics, case-insensitive) in ``lowerIsBetterTokens``;
/// otherwise higher is better.
///
/// Every pattern must do something, so a typo is an error, never a silent
/// no-op: an include pattern must match a column (and a numeric one), an
/// exclude pattern a column of the file, a direction pattern a selected task;
/// a task matched by both a higher- and a lower-is-better pattern is an error.
///
/// `Codable` as this JSON (every key optional, unknown keys rejected):
///
/// ```json
/// {
///   "include": ["arc*", "hellaswag"],
///   "exclude": ["*_stderr"],
///   "higher_is_better": ["*acc*"],
///   "lower_is_better": ["*perplexity*"]
/// }
/// ```
///
/// and `{"preset": "reference"}` for the reference preset, which the other
/// keys may refine (`{"preset": "reference", "exclude": ["lm_eval/*"]}`).
public struct TaskSelection: Sendable, Codable, Equatable {
    /// Whether a larger value of a metric means a better model.
    public enum Direction: String, Sendable, Codable, Hashable, CaseIterable {
        /// Losses and bits per byte: smaller is better.
        case lowerIsBetter = "lower_is_better"
        /// Accuracies and scores: larger is better.
        case higherIsBetter = "higher_is_better"

        /// The factor that turns a value into one where higher = better:
        /// `-1` for ``lowerIsBetter``, `+1` for ``higherIsBetter``.
        ///
        /// ```
        /// signed = sign · value
        /// ```
        public var sign: Double {
            switch self {
            case .lowerIsBetter: -1
            case .higherIsBetter: 1
            }
        }
    }

    /// A built-in selection.
    public enum Preset: String, Sendable, Codable, CaseIterable {
        /// METHOD.md §2: bits-per-byte columns of five suites, lower is better (``PresetRules/reference``).
        case reference

        /// The rules of this preset.
        public var rules: PresetRules {
            switch self {
            case .reference: .reference
            }
        }
    }

    /// The tasks a selection picks from one file.
    public struct Resolution: Sendable, Equatable {
        /// The tasks, in file order, with direction and reason.
        public let tasks: [SelectedTask]
        /// Columns that are never chosen by a wildcard: a column without a
        /// name, and a first column holding the row numbers 0…n−1 (pandas'
        /// index), ``indexColumns(of:)``; in file order.
        public var skippedIndexColumns: [String] = []
        /// Columns a wildcard include pattern matched but that hold text
        /// (at least half of their filled cells are neither a number nor
        /// missing, ``TaskSelection/isTextColumn(text:filled:)``), so are not tasks.
        public let skippedNonNumeric: [String]
    }

    /// The preset whose columns are candidates, or `nil` for patterns only.
    public var preset: Preset?
    /// Glob patterns of candidate columns (numeric ones only).
    public var include: [String]
    /// Glob patterns of columns that are never tasks.
    public var exclude: [String]
    /// Glob patterns of tasks where a larger value is better.
    public var higherIsBetter: [String]
    /// Glob patterns of tasks where a smaller value is better.
    public var lowerIsBetter: [String]

    /// A selection from its parts; see the type's documentation for the rules.
    public init(preset: Preset? = nil, include: [String] = [], exclude: [String] = [],
                higherIsBetter: [String] = [], lowerIsBetter: [String] = []) {
        self.preset = preset
        self.include = include
        self.exclude = exclude
        self.higherIsBetter = higherIsBetter
        self.lowerIsBetter = lowerIsBetter
    }

    /// The reference preset (METHOD.md §2): bits-per-byte columns of five
    /// suites, all lower-is-better, without the suite aggregates, two dropped
    /// tasks and per-subject MMLU. On the shared 300M replica it yields 43 tasks.
    public static let reference = TaskSelection(preset: .reference)

    /// Exactly the named columns (wildcards in the names are taken literally).
    ///
    /// - Parameters:
    ///   - names: column names; each must be a numeric column of the file.
    ///   - direction: the direction of all of them, or `nil` to infer each from
    ///     its name (``lowerIsBetterTokens``, else higher is better).
    public static func columns(_ names: [String], direction: Direction? = nil) -> TaskSelection {
        let patterns = names.map(Glob.escape)
        return TaskSelection(include: patterns,
                             higherIsBetter: direction == .higherIsBetter ? patterns : [],
                             lowerIsBetter: direction == .lowerIsBetter ? patterns : [])
    }

    /// Every numeric column except `excluding` (exact names, each a column of
    /// the file) and the run-name column; directions inferred from the names.
    public static func allNumeric(excluding names: [String] = []) -> TaskSelection {
        TaskSelection(include: ["*"], exclude: names.map(Glob.escape))
    }

    /// Columns matched by glob patterns, with optional direction patterns.
    public static func patterns(include: [String], exclude: [String] = [], higherIsBetter: [String] = [],
                                lowerIsBetter: [String] = []) -> TaskSelection {
        TaskSelection(include: include, exclude: exclude, higherIsBetter: higherIsBetter, lowerIsBetter: lowerIsBetter)
    }

    /// Name tokens that mark a lower-is-better metric: losses, bits per byte,
    /// perplexities, negative log-likelihoods, error rates (word and character
    /// error rates), Brier scores.
    public static let lowerIsBetterTokens: [String] = ["loss", "bpb", "perplexity", "ppl", "nll", "error", "err",
                                                       "wer", "cer", "brier"]

    /// Runs of consecutive name tokens that mark a lower-is-better metric (`bits_per_byte`).
    public static let lowerIsBetterPhrases: [[String]] = [["bits", "per", "byte"]]

    /// The tokens of a column name, lower-cased: split on non-alphanumeric
    /// characters and at camelCase boundaries (a lower-case letter or digit
    /// followed by an upper-case one, and an upper-case run before an
    /// upper-case letter followed by a lower-case one).
    ///
    /// `valLoss` → `val`, `loss`; `WERScore` → `wer`, `score`; `eval/c4/bpb` → `eval`, `c4`, `bpb`.
    public static func nameTokens(_ name: String) -> [String] {
        var tokens: [String] = []
        for word in name.split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
            let characters = Array(word)
            var current = ""
            for (i, c) in characters.enumerated() {
                if i > 0, c.isUppercase {
                    let previous = characters[i - 1]
                    let nextIsLower = i + 1 < characters.count && characters[i + 1].isLowercase
                    if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) {
                        tokens.append(current.lowercased())
                        current = ""
                    }
                }
                current.append(c)
            }
            if !current.isEmpty { tokens.append(current.lowercased()) }
        }
        return tokens
    }

    /// The direction of a column chosen by pattern with no explicit rule:
    /// lower-is-better when a token of `name` (``nameTokens(_:)``) is in
    /// ``lowerIsBetterTokens`` or consecutive tokens spell one of
    /// ``lowerIsBetterPhrases``, higher-is-better otherwise.
    ///
    /// `eval/c4/bpb`, `val_loss`, `valLoss`, `wikitext PPL`, `bits_per_byte`, `WER`,
    /// `brier_score` are lower-is-better; `arc_easy/acc`, `ARC(25-shot)`,
    /// `glossary_score` (`loss` inside a word is no token) are higher-is-better.
    public static func inferredDirection(of name: String) -> (direction: Direction, reason: DirectionReason) {
        let tokens = nameTokens(name)
        for token in tokens where lowerIsBetterTokens.contains(token) { return (.lowerIsBetter, .nameToken(token)) }
        for phrase in lowerIsBetterPhrases where tokens.count >= phrase.count {
            for start in 0...(tokens.count - phrase.count) where Array(tokens[start..<(start + phrase.count)]) == phrase {
                return (.lowerIsBetter, .nameToken(phrase.joined(separator: " ")))
            }
        }
        return (.higherIsBetter, .defaultHigher)
    }

    /// Whether this selection is the reference preset alone.
    public var isReferencePreset: Bool { self == .reference }

    // MARK: - By name alone

    /// The direction of `column` if this selection would choose it by name
    /// alone, `nil` if not. Cell contents are not looked at (a pattern-chosen
    /// column must also be numeric, see ``resolve(in:)``), and the run-name
    /// column is not known here.
    ///
    /// - Complexity: O(r·m) for r patterns and a name of m characters.
    public func direction(of column: String) -> Direction? {
        let presetDirection = preset?.rules.direction(of: column)
        guard presetDirection != nil || include.contains(where: { Glob($0).matches(column) }) else { return nil }
        if exclude.contains(where: { Glob($0).matches(column) }) { return nil }
        return direction(of: column, presetDirection: presetDirection).direction
    }

    /// The columns among `names` this selection would choose by name alone, in order.
    public func taskColumns(in names: [String]) -> [String] {
        names.filter { direction(of: $0) != nil }
    }

    /// Direction and reason of a chosen column, without the checks of ``resolve(in:)``.
    private func direction(of column: String, presetDirection: Direction?) -> (direction: Direction, reason: DirectionReason) {
        if let pattern = higherIsBetter.first(where: { Glob($0).matches(column) }) {
            return (.higherIsBetter, .explicitRule(pattern: pattern, direction: .higherIsBetter))
        }
        if let pattern = lowerIsBetter.first(where: { Glob($0).matches(column) }) {
            return (.lowerIsBetter, .explicitRule(pattern: pattern, direction: .lowerIsBetter))
        }
        if let presetDirection { return (presetDirection, .referencePreset) }
        return Self.inferredDirection(of: column)
    }

    // MARK: - On a file

    /// The tasks of `sweep` under this selection, with direction and reason.
    ///
    /// - Throws:
    ///   - ``AnalysisError/invalidOption(_:)`` for a selection with neither a preset nor include patterns;
    ///   - ``AnalysisError/unmatchedPattern(file:kind:pattern:nearMatches:candidates:)`` for a
    ///     pattern that does nothing (include: no column; exclude: no column; direction: no selected task);
    ///   - ``AnalysisError/nonNumericCell(file:line:column:value:)`` when an include pattern
    ///     without wildcards names a column holding text (the first such cell);
    ///   - ``AnalysisError/patternMatchesRunColumn(file:pattern:column:)`` when an include
    ///     pattern matches only the run-name column;
    ///   - ``AnalysisError/textInNumericColumn(file:line:column:value:numbers:textCells:)`` when a
    ///     column a wildcard pattern matched holds numbers in most cells and text in a few;
    ///   - ``AnalysisError/nonNumericPattern(file:pattern:columns:)`` when a wildcard include
    ///     pattern matches only text columns;
    ///   - ``AnalysisError/conflictingDirections(file:column:higherIsBetter:lowerIsBetter:)``;
    ///   - ``AnalysisError/noTaskColumns(file:)`` when nothing is left.
    /// - Complexity: O(m·r) pattern matches for m columns and r patterns, plus
    ///   one pass over the cells of each pattern-matched column (the numeric check).
    public func resolve(in sweep: EvalMatrix) throws(AnalysisError) -> Resolution {
        guard preset != nil || !include.isEmpty else {
            throw .invalidOption("a task selection needs include patterns or the reference preset; e.g. {\"include\": [\"arc*\"]} or {\"preset\": \"reference\"}")
        }
        let file = sweep.source
        let names = sweep.columnNames.filter { $0 != sweep.runColumn }
        var numericCache: [String: Bool] = [:]
        func isNumeric(_ name: String) -> Bool {
            if let known = numericCache[name] { return known }
            let value = sweep.isNumeric(name)
            numericCache[name] = value
            return value
        }
        func numericNames() -> [String] { names.filter(isNumeric) }

        var chosen = Set<String>()
        var presetDirections: [String: Direction] = [:]
        if let rules = preset?.rules {
            for name in names {
                if let d = rules.direction(of: name) { presetDirections[name] = d; chosen.insert(name) }
            }
        }
        var skipped = Set<String>()
        let index = Self.indexColumns(of: sweep)
        var skippedIndex = Set<String>()
        for pattern in include {
            let glob = Glob(pattern)
            var matched = names.filter(glob.matches)
            if glob.hasWildcards {
                skippedIndex.formUnion(matched.filter(index.contains))
                matched.removeAll(where: index.contains)
            }
            guard !matched.isEmpty else {
                if let run = sweep.runColumn, glob.matches(run) {
                    throw .patternMatchesRunColumn(file: file, pattern: pattern, column: run)
                }
                throw .unmatchedPattern(file: file, kind: .include, pattern: pattern,
                                        nearMatches: Self.nearMatches(pattern, in: names), candidates: numericNames())
            }
            let numeric = matched.filter(isNumeric)
            if numeric.isEmpty {
                if !glob.hasWildcards, let cell = sweep.firstNonNumericCell(matched[0]) {
                    throw .nonNumericCell(file: file, line: cell.line, column: matched[0], value: cell.text)
                }
                try Self.refuseBadCells(in: matched.filter { name in !exclude.contains { Glob($0).matches(name) } },
                                        of: sweep)
                throw .nonNumericPattern(file: file, pattern: pattern, columns: matched)
            }
            chosen.formUnion(numeric)
            skipped.formUnion(matched.filter { !isNumeric($0) })
        }
        for pattern in exclude {
            let glob = Glob(pattern)
            let matched = sweep.columnNames.filter(glob.matches)
            guard !matched.isEmpty else {
                throw .unmatchedPattern(file: file, kind: .exclude, pattern: pattern,
                                        nearMatches: Self.nearMatches(pattern, in: sweep.columnNames),
                                        candidates: sweep.columnNames)
            }
            chosen.subtract(matched)
            skipped.subtract(matched)
            skippedIndex.subtract(matched)
        }
        try Self.refuseBadCells(in: names.filter(skipped.contains), of: sweep)
        let selected = names.filter(chosen.contains)
        guard !selected.isEmpty else { throw .noTaskColumns(file: file) }

        for (kind, patterns) in [(AnalysisError.PatternKind.higherIsBetter, higherIsBetter), (.lowerIsBetter, lowerIsBetter)] {
            for pattern in patterns {
                let glob = Glob(pattern)
                guard selected.contains(where: glob.matches) else {
                    throw .unmatchedPattern(file: file, kind: kind, pattern: pattern,
                                            nearMatches: Self.nearMatches(pattern, in: selected), candidates: selected)
                }
            }
        }
        var tasks: [SelectedTask] = []
        tasks.reserveCapacity(selected.count)
        for name in selected {
            let higher = higherIsBetter.first { Glob($0).matches(name) }
            let lower = lowerIsBetter.first { Glob($0).matches(name) }
            if let higher, let lower {
                throw .conflictingDirections(file: file, column: name, higherIsBetter: higher, lowerIsBetter: lower)
            }
            let (direction, reason) = direction(of: name, presetDirection: presetDirections[name])
            tasks.append(SelectedTask(name: name, direction: direction, reason: reason))
        }
        return Resolution(tasks: tasks,
                          skippedIndexColumns: names.filter { skippedIndex.contains($0) && !chosen.contains($0) },
                          skippedNonNumeric: names.filter(skipped.contains))
    }

    /// The columns of `sweep` a wildcard never makes tasks, in file order:
    /// every column whose name is empty (or only spaces), and the first column
    /// (unless it names the runs) when it is a row index — its cells are the
    /// integers 0, 1, …, n − 1 in order (what `pandas.DataFrame.to_csv()`
    /// writes), or it is named `Unnamed: 0` or `index` and holds increasing
    /// integers (an index read back, or of a filtered frame).
    ///
    /// - Complexity: O(n) for the first column.
    public static func indexColumns(of sweep: EvalMatrix) -> [String] {
        var out: [String] = []
        for (j, name) in sweep.columnNames.enumerated() where name != sweep.runColumn {
            if name.trimmingCharacters(in: .whitespaces).isEmpty {
                out.append(name)
            } else if j == 0, let values = try? sweep.numbers(name), values.allSatisfy({ $0 != nil }) {
                let integers = values.compactMap { $0 }
                guard integers.allSatisfy({ $0 >= 0 && $0 == $0.rounded() }) else { continue }
                let counting = integers.enumerated().allSatisfy { Double($0.offset) == $0.element }
                let increasing = zip(integers, integers.dropFirst()).allSatisfy { $0 < $1 }
                if counting || (increasing && ["Unnamed: 0", "index"].contains(name)) { out.append(name) }
            }
        }
        return out
    }

    /// Throws for the first of `columns` (non-numeric ones a wildcard matched)
    /// that is not a text column: numbers in most cells, text in a few.
    private static func refuseBadCells(in columns: [String], of sweep: EvalMatrix) throws(AnalysisError) {
        for name in columns {
            let counts = sweep.textCellCount(name)
            if !isTextColumn(text: counts.text, filled: counts.filled), let cell = sweep.firstNonNumericCell(name) {
                throw .textInNumericColumn(file: sweep.source, line: cell.line, column: name, value: cell.text,
                                           numbers: counts.filled - counts.text, textCells: counts.text)
            }
        }
    }

    /// Whether a column a wildcard pattern matched, with `text` of its `filled`
    /// (non-missing) cells holding text, is a **text column** — skipped, and
    /// said in a warning — rather than a numeric column with bad cells, which
    /// is a data error naming the first bad cell:
    ///
    /// ```
    /// text column  ⇔  2 · text ≥ filled      (at least half the filled cells are text)
    /// ```
    ///
    /// A column of numbers with a decimal comma, a stray note or a NUL byte in
    /// a few cells is meant to be numeric: dropping the whole task for one cell
    /// would change the analysis silently.
    public static func isTextColumn(text: Int, filled: Int) -> Bool { 2 * text >= filled }

    /// Up to five names that `pattern` would match ignoring case, or that
    /// contain its literal text ignoring case: the "did you mean" of an error.
    static func nearMatches(_ pattern: String, in names: [String]) -> [String] {
        let folded = Glob(pattern.lowercased())
        let core = pattern.lowercased().filter { $0 != "*" && $0 != "?" && $0 != "\\" }
        let contains = Glob("*" + Glob.escape(core) + "*")
        var out: [String] = []
        for name in names where out.count < 5 {
            let lower = name.lowercased()
            if folded.matches(lower) || (!core.isEmpty && contains.matches(lower)) { out.append(name) }
        }
        return out
    }

    // MARK: - JSON

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static let keys = ["preset", "include", "exclude", "higher_is_better", "lower_is_better"]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        for key in c.allKeys where !Self.keys.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: c,
                debugDescription: "unknown key \"\(key.stringValue)\"; a task selection has \(Self.keys.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        let presetName = try c.decodeIfPresent(String.self, forKey: Key("preset"))
        if let presetName {
            guard let preset = Preset(rawValue: presetName) else {
                throw DecodingError.dataCorruptedError(
                    forKey: Key("preset"), in: c,
                    debugDescription: "unknown preset \"\(presetName)\"; expected \(Preset.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
            }
            self.preset = preset
        } else {
            self.preset = nil
        }
        include = try c.decodeIfPresent([String].self, forKey: Key("include")) ?? []
        exclude = try c.decodeIfPresent([String].self, forKey: Key("exclude")) ?? []
        higherIsBetter = try c.decodeIfPresent([String].self, forKey: Key("higher_is_better")) ?? []
        lowerIsBetter = try c.decodeIfPresent([String].self, forKey: Key("lower_is_better")) ?? []
        guard preset != nil || !include.isEmpty else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "a task selection needs \"include\" patterns or \"preset\": \"reference\""))
        }
    }

    /// Writes the keys that are set (no empty lists).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        if let preset { try c.encode(preset.rawValue, forKey: Key("preset")) }
        if !include.isEmpty { try c.encode(include, forKey: Key("include")) }
        if !exclude.isEmpty { try c.encode(exclude, forKey: Key("exclude")) }
        if !higherIsBetter.isEmpty { try c.encode(higherIsBetter, forKey: Key("higher_is_better")) }
        if !lowerIsBetter.isEmpty { try c.encode(lowerIsBetter, forKey: Key("lower_is_better")) }
    }
}

extension EvalMatrix {
    /// The task columns of this file under `selection`, in file order.
    ///
    /// - Parameter selection: which columns are tasks, ``TaskSelection/reference`` by default.
    /// - Throws: the errors of ``TaskSelection/resolve(in:)``, e.g.
    ///   ``AnalysisError/noTaskColumns(file:)`` when no column is a task.
    /// - Complexity: O(m) for m columns, plus the numeric check of pattern-matched columns.
    public func taskColumns(_ selection: TaskSelection = .reference) throws(AnalysisError) -> [String] {
        try selection.resolve(in: self).tasks.map(\.name)
    }
}

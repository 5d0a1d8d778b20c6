import Foundation
import IRTModel
import Testing

@Suite("TaskSelection: patterns, directions and their reasons")
struct TaskSelectionPatternTests {
    /// Runs named by `model`; a text column `url`; an all-text `notes`;
    /// `arc_stderr` to exclude; losses, accuracies and a bpb column.
    static let csv = """
        model,arc_easy/acc,arc_challenge/acc,arc_stderr,hellaswag,val_loss,wikitext PPL,eval/c4/bpb,url,notes,mixed
        m1,0.61,0.31,0.01,0.52,2.10,12.5,0.91,http://a,x,1
        m2,0.66,0.35,0.01,0.57,2.00,11.0,0.88,http://b,y,2
        m3,0.58,0.29,0.02,0.49,2.30,14.0,0.95,http://c,z,oops
        m4,0.70,0.40,0.01,0.60,1.90,10.0,0.85,http://d,w,4
        """

    static func matrix() throws -> EvalMatrix { try EvalMatrix(csv: csv, source: "lb.csv") }

    static func error(_ body: () throws -> Void) -> AnalysisError? {
        do { try body() } catch { return error as? AnalysisError }
        return nil
    }

    @Test(arguments: [
        ("eval/c4/bpb", TaskSelection.Direction.lowerIsBetter, DirectionReason.nameToken("bpb")),
        ("val_loss", .lowerIsBetter, .nameToken("loss")),
        ("wikitext PPL", .lowerIsBetter, .nameToken("ppl")),
        ("NLL", .lowerIsBetter, .nameToken("nll")),
        ("test-error-rate", .lowerIsBetter, .nameToken("error")),
        ("top1.err", .lowerIsBetter, .nameToken("err")),
        ("perplexity", .lowerIsBetter, .nameToken("perplexity")),
        ("arc_easy/acc", .higherIsBetter, .defaultHigher),
        ("ARC(25-shot)", .higherIsBetter, .defaultHigher),
        ("valLoss", .lowerIsBetter, .nameToken("loss")),       // camelCase: "val", "loss"
        ("bits_per_byte", .lowerIsBetter, .nameToken("bits per byte")),
        ("lm_eval/wikitext/bits_per_byte", .lowerIsBetter, .nameToken("bits per byte")),
        ("WER", .lowerIsBetter, .nameToken("wer")),
        ("librispeech/CER", .lowerIsBetter, .nameToken("cer")),
        ("brier_score", .lowerIsBetter, .nameToken("brier")),
        ("testWERScore", .lowerIsBetter, .nameToken("wer")),
        ("bits_per_token_count", .higherIsBetter, .defaultHigher),   // not "bits per byte"
        ("HellaSwag", .higherIsBetter, .defaultHigher),
        ("answer", .higherIsBetter, .defaultHigher),                 // "wer" inside a word is no token
        ("glossary_score", .higherIsBetter, .defaultHigher),   // "loss" inside a word is no token
        ("errors", .higherIsBetter, .defaultHigher),
        ("", .higherIsBetter, .defaultHigher),                 // size 0
    ])
    func directionFromTheName(name: String, direction: TaskSelection.Direction, reason: DirectionReason) {
        let inferred = TaskSelection.inferredDirection(of: name)
        #expect(inferred.direction == direction)
        #expect(inferred.reason == reason)
    }

    @Test func includeExcludeAndReasons() throws {
        let m = try Self.matrix()
        #expect(m.runColumn == "model")   // first non-numeric column, no run_name
        let selection = TaskSelection.patterns(
            include: ["arc*", "hellaswag", "val_loss", "wikitext PPL", "eval/*/bpb"], exclude: ["*_stderr"],
            higherIsBetter: ["wikitext*"])
        let resolved = try selection.resolve(in: m)
        #expect(resolved.tasks == [
            SelectedTask(name: "arc_easy/acc", direction: .higherIsBetter, reason: .defaultHigher),
            SelectedTask(name: "arc_challenge/acc", direction: .higherIsBetter, reason: .defaultHigher),
            SelectedTask(name: "hellaswag", direction: .higherIsBetter, reason: .defaultHigher),
            SelectedTask(name: "val_loss", direction: .lowerIsBetter, reason: .nameToken("loss")),
            // An explicit rule wins over the name's token.
            SelectedTask(name: "wikitext PPL", direction: .higherIsBetter,
                         reason: .explicitRule(pattern: "wikitext*", direction: .higherIsBetter)),
            SelectedTask(name: "eval/c4/bpb", direction: .lowerIsBetter, reason: .nameToken("bpb")),
        ])
        #expect(resolved.skippedNonNumeric.isEmpty)
        #expect(try m.taskColumns(selection) == resolved.tasks.map(\.name))
        // By name alone (no numeric check): the same directions.
        #expect(selection.direction(of: "wikitext PPL") == .higherIsBetter)
        #expect(selection.direction(of: "arc_stderr") == nil)
        #expect(selection.direction(of: "piqa") == nil)
    }

    @Test func wildcardsSkipTextColumnsAndTheRunColumn() throws {
        let m = try Self.matrix()
        let resolved = try TaskSelection.allNumeric(excluding: ["arc_stderr", "mixed"]).resolve(in: m)
        #expect(resolved.tasks.map(\.name)
                == ["arc_easy/acc", "arc_challenge/acc", "hellaswag", "val_loss", "wikitext PPL", "eval/c4/bpb"])
        // "model" is the run column (never a task); url and notes hold text.
        #expect(resolved.skippedNonNumeric == ["url", "notes"])
        // "mixed" holds numbers in 3 of its 4 cells: a numeric column with a bad cell, an error.
        #expect(Self.error { _ = try TaskSelection.allNumeric(excluding: ["arc_stderr"]).resolve(in: m) }
                == .textInNumericColumn(file: "lb.csv", line: 4, column: "mixed", value: "oops", numbers: 3, textCells: 1))
        #expect(m.numericColumnNames == ["arc_easy/acc", "arc_challenge/acc", "arc_stderr", "hellaswag", "val_loss",
                                         "wikitext PPL", "eval/c4/bpb"])
    }

    @Test func explicitColumnsWithOneDirection() throws {
        let m = try Self.matrix()
        let resolved = try TaskSelection.columns(["val_loss", "hellaswag"], direction: .lowerIsBetter).resolve(in: m)
        #expect(resolved.tasks.map(\.name) == ["hellaswag", "val_loss"])   // file order
        #expect(resolved.tasks.allSatisfy { $0.direction == .lowerIsBetter })
        #expect(resolved.tasks[0].reason == .explicitRule(pattern: "hellaswag", direction: .lowerIsBetter))
        let inferred = try TaskSelection.columns(["val_loss", "hellaswag"]).resolve(in: m)
        #expect(inferred.tasks.map(\.direction) == [.higherIsBetter, .lowerIsBetter])
    }

    @Test func presetRefinedByExcludeAndDirection() throws {
        let m = try EvalMatrix(csv: """
            run_name,lm_eval/a/bpb,lm_eval/b/bpb,eval/paloma/c/bpb,acc
            r1,1,2,3,0.5
            r2,2,3,4,0.6
            """, source: "p.csv")
        let s = TaskSelection(preset: .reference, include: ["acc"], exclude: ["lm_eval/b/*"],
                              higherIsBetter: ["eval/paloma/*"])
        let tasks = try s.resolve(in: m).tasks
        #expect(tasks == [
            SelectedTask(name: "lm_eval/a/bpb", direction: .lowerIsBetter, reason: .referencePreset),
            SelectedTask(name: "eval/paloma/c/bpb", direction: .higherIsBetter,
                         reason: .explicitRule(pattern: "eval/paloma/*", direction: .higherIsBetter)),
            SelectedTask(name: "acc", direction: .higherIsBetter, reason: .defaultHigher),
        ])
    }

    @Test(arguments: [
        // (selection, expected error)
        (TaskSelection.patterns(include: ["piqa*"]),
         AnalysisError.unmatchedPattern(file: "lb.csv", kind: .include, pattern: "piqa*", nearMatches: [],
                                        candidates: ["arc_easy/acc", "arc_challenge/acc", "arc_stderr", "hellaswag",
                                                     "val_loss", "wikitext PPL", "eval/c4/bpb"])),
        (TaskSelection.patterns(include: ["HellaSwag"]),
         .unmatchedPattern(file: "lb.csv", kind: .include, pattern: "HellaSwag", nearMatches: ["hellaswag"],
                           candidates: ["arc_easy/acc", "arc_challenge/acc", "arc_stderr", "hellaswag", "val_loss",
                                        "wikitext PPL", "eval/c4/bpb"])),
        (TaskSelection.patterns(include: ["arc*"], exclude: ["*_sterr"]),
         .unmatchedPattern(file: "lb.csv", kind: .exclude, pattern: "*_sterr", nearMatches: [],
                           candidates: ["model", "arc_easy/acc", "arc_challenge/acc", "arc_stderr", "hellaswag",
                                        "val_loss", "wikitext PPL", "eval/c4/bpb", "url", "notes", "mixed"])),
        (TaskSelection.patterns(include: ["arc*"], lowerIsBetter: ["hellaswag"]),
         .unmatchedPattern(file: "lb.csv", kind: .lowerIsBetter, pattern: "hellaswag", nearMatches: [],
                           candidates: ["arc_easy/acc", "arc_challenge/acc", "arc_stderr"])),
        (TaskSelection.patterns(include: ["u*"]),
         .nonNumericPattern(file: "lb.csv", pattern: "u*", columns: ["url"])),
        (TaskSelection.patterns(include: ["mixed"]),
         .nonNumericCell(file: "lb.csv", line: 4, column: "mixed", value: "oops")),
        (TaskSelection.patterns(include: ["arc*"], higherIsBetter: ["arc_e*"], lowerIsBetter: ["*/acc"]),
         .conflictingDirections(file: "lb.csv", column: "arc_easy/acc", higherIsBetter: "arc_e*", lowerIsBetter: "*/acc")),
        (TaskSelection.patterns(include: ["arc*"], exclude: ["arc*"]), .noTaskColumns(file: "lb.csv")),
        (TaskSelection.patterns(include: ["model"]),   // the run column is never a task, and the error says so
         .patternMatchesRunColumn(file: "lb.csv", pattern: "model", column: "model")),
        (TaskSelection(), .invalidOption("a task selection needs include patterns or the reference preset; e.g. {\"include\": [\"arc*\"]} or {\"preset\": \"reference\"}")),
    ])
    func patternsThatDoNothingAreErrors(selection: TaskSelection, expected: AnalysisError) throws {
        let m = try Self.matrix()
        #expect(Self.error { _ = try selection.resolve(in: m) } == expected)
    }

    /// The messages' wording (what to type instead) is the point here; the cases are checked above.
    @Test func errorMessagesSayWhatToDo() {
        let unmatched = AnalysisError.unmatchedPattern(file: "lb.csv", kind: .include, pattern: "HellaSwag",
                                                       nearMatches: ["hellaswag"], candidates: ["hellaswag", "acc"])
        #expect(unmatched.description == "lb.csv: include pattern \"HellaSwag\" matches no column; did you mean \"hellaswag\"? (patterns are case-sensitive); patterns are globs (* any run of characters, ? one character); numeric columns: \"hellaswag\", \"acc\"")
        let direction = AnalysisError.unmatchedPattern(file: "f", kind: .higherIsBetter, pattern: "x", nearMatches: [], candidates: [])
        #expect(direction.description.hasPrefix("f: higher_is_better pattern \"x\" matches no selected task"))
        let conflict = AnalysisError.conflictingDirections(file: "f", column: "c", higherIsBetter: "h", lowerIsBetter: "l")
        #expect(conflict.description.contains("expected one direction per task"))
        let text = AnalysisError.nonNumericPattern(file: "f", pattern: "u*", columns: ["url"])
        #expect(text.description == "f: include pattern \"u*\" matches only columns holding text (\"url\"); a task column must hold numbers")
    }

    @Test func documentedJSONDecodes() throws {
        let json = #"{"include": ["arc*", "hellaswag"], "exclude": ["*_stderr"], "higher_is_better": ["wikitext*"], "lower_is_better": []}"#
        let s = try JSONDecoder().decode(TaskSelection.self, from: Data(json.utf8))
        #expect(s == TaskSelection(include: ["arc*", "hellaswag"], exclude: ["*_stderr"], higherIsBetter: ["wikitext*"]))
        let back = try JSONDecoder().decode(TaskSelection.self, from: JSONEncoder().encode(s))
        #expect(back == s)
        let refined = try JSONDecoder().decode(
            TaskSelection.self, from: Data(#"{"preset": "reference", "exclude": ["lm_eval/*"]}"#.utf8))
        #expect(refined == TaskSelection(preset: .reference, exclude: ["lm_eval/*"]))
    }

    @Test(arguments: [
        (#"{"include": ["a"], "exlude": ["b"]}"#, "unknown key \"exlude\""),
        (#"{"preset": "referencee"}"#, "unknown preset \"referencee\""),
        (#"{}"#, "needs \"include\" patterns or \"preset\""),
        (#"{"exclude": ["x"]}"#, "needs \"include\" patterns or \"preset\""),
        (#"{"include": "arc*"}"#, "include"),
    ])
    func badJSONIsRejectedWithAReason(json: String, expected: String) {
        do {
            _ = try JSONDecoder().decode(TaskSelection.self, from: Data(json.utf8))
            Issue.record("\(json) must not decode")
        } catch {
            // A DecodingError carries its reason only in words: they must name the bad key or value.
            #expect("\(error)".contains(expected), "\(error)")
        }
    }

    @Test func directionReasonsRoundTripThroughJSON() throws {
        let reasons: [DirectionReason] = [
            .explicitRule(pattern: "*acc*", direction: .higherIsBetter), .nameToken("bpb"), .referencePreset, .defaultHigher,
        ]
        let data = try JSONEncoder().encode(reasons)
        #expect(try JSONDecoder().decode([DirectionReason].self, from: data) == reasons)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""rule":"name_token""#) && text.contains(#""direction":"higher_is_better""#))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(DirectionReason.self, from: Data(#"{"rule": "guess"}"#.utf8))
        }
        #expect(DirectionReason.nameToken("bpb").description == "name token \"bpb\"")
    }
}

import IRTModel
import Testing

/// Bits per byte, validation losses in camelCase, word and character error
/// rates and Brier scores are lower-is-better, and the listing says why.
@Suite("TaskSelection: direction words")
struct DirectionWordsTests {
    @Test("bits_per_byte, valLoss, WER, CER, brier_score are lower is better, with the word as the reason")
    func directionWordsAreLowerIsBetter() throws {
        let csv = """
            run_name,bits_per_byte,valLoss,WER,cer,brier_score,acc
            r1,0.91,2.1,0.12,0.05,0.20,0.61
            r2,0.88,2.0,0.10,0.04,0.18,0.66
            r3,0.95,2.3,0.15,0.06,0.22,0.58
            """
        let m = try EvalMatrix(csv: csv, source: "s.csv")
        let tasks = try TaskSelection.patterns(include: ["*"]).resolve(in: m).tasks
        #expect(tasks.map(\.direction) == [.lowerIsBetter, .lowerIsBetter, .lowerIsBetter, .lowerIsBetter, .lowerIsBetter,
                                           .higherIsBetter])
        #expect(tasks.map(\.reason) == [.nameToken("bits per byte"), .nameToken("loss"), .nameToken("wer"), .nameToken("cer"),
                                        .nameToken("brier"), .defaultHigher])
        #expect(tasks[0].reason.description == "name token \"bits per byte\"")
    }

    @Test("camelCase splitting", arguments: [
        ("valLoss", ["val", "loss"]), ("WERScore", ["wer", "score"]), ("eval/c4/bpb", ["eval", "c4", "bpb"]),
        ("HellaSwag", ["hella", "swag"]), ("MMLU", ["mmlu"]), ("gpt4Score", ["gpt4", "score"]), ("", []),
        ("a", ["a"]), ("ARC(25-shot)", ["arc", "25", "shot"]),
    ])
    func nameTokens(name: String, tokens: [String]) {
        #expect(TaskSelection.nameTokens(name) == tokens)
    }
}

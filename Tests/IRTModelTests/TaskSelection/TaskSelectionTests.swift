import Foundation
import IRTModel
import IRTSampleData
import Testing

@Suite("TaskSelection: which columns are tasks")
struct TaskSelectionTests {
    /// The `tasks` of the reference result on the replica (NumPy, METHOD.md §10).
    static let referenceTasks: [String] = {
        guard let url = Bundle.module.url(forResource: "replica_fixed_noise", withExtension: "json",
                                          subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let tasks = object["tasks"] as? [String]
        else { return [] }
        return tasks
    }()

    @Test func referencePresetYieldsTheReference43TasksInOrder() throws {
        let sweep = try EvalMatrix(contentsOf: SampleData.sweep)
        let tasks = TaskSelection.reference.taskColumns(in: sweep.columnNames)
        #expect(Self.referenceTasks.count == 43)
        #expect(tasks == Self.referenceTasks)
        #expect(try sweep.taskColumns() == Self.referenceTasks)
    }

    @Test func distractorsAggregatesAndPerSubjectMMLUAreNotTasks() throws {
        let sweep = try EvalMatrix(contentsOf: SampleData.sweep)
        let tasks = Set(TaskSelection.reference.taskColumns(in: sweep.columnNames))
        let agentic = sweep.columnNames.filter { $0.hasPrefix("eval/agentic_coding/") && $0.hasSuffix("/bpb") }
        #expect(!agentic.isEmpty)
        #expect(agentic.allSatisfy { !tasks.contains($0) })
        let perSubject = sweep.columnNames.filter { $0.hasPrefix("lm_eval/mmlu_") && $0.hasSuffix("/bpb") }
        #expect(perSubject.count > 2)
        #expect(perSubject.filter(tasks.contains) == ["lm_eval/mmlu_5shot/bpb", "lm_eval/mmlu_sl_verb_5shot/bpb"])
        for aggregate in ["eval/bpb", "eval/macro_bpb", "eval/paloma/bpb", "eval/paloma/macro_bpb",
                          "eval/uncheatable_eval/bpb", "eval/uncheatable_eval/macro_bpb"] {
            #expect(sweep.hasColumn(aggregate), "\(aggregate) should be in the replica")
            #expect(TaskSelection.reference.direction(of: aggregate) == nil, "\(aggregate)")
        }
        #expect(!tasks.contains("eval/paloma/macro_loss"))
        #expect(!tasks.contains("lm_eval/arc_easy/acc"))
    }

    @Test func referenceRulesOneByOne() {
        let r = TaskSelection.reference
        #expect(r.direction(of: "lm_eval/arc_easy_5shot/bpb") == .lowerIsBetter)
        #expect(r.direction(of: "eval/paloma/c4_en/bpb") == .lowerIsBetter)
        #expect(r.direction(of: "eval/paloma/c4_en/loss") == nil)                       // suffix
        #expect(r.direction(of: "eval/agentic_coding/x/bpb") == nil)                    // prefix
        #expect(r.direction(of: "teacher_forced/gsm8k_5shot_answer_hash/bpb") == nil)   // dropped
        #expect(r.direction(of: "mcq_smooth/sciq_5shot/bpb") == nil)                    // dropped
        #expect(r.direction(of: "lm_eval/mmlu_anatomy_5shot/bpb") == nil)               // exception
        #expect(r.direction(of: "lm_eval/mmlu_sl_verb_5shot/bpb") == .lowerIsBetter)
        #expect(r.direction(of: "run_name") == nil)
    }

    @Test func directionSign() {
        #expect(TaskSelection.Direction.lowerIsBetter.sign == -1)
        #expect(TaskSelection.Direction.higherIsBetter.sign == 1)
    }

    @Test func customPrefixRulesWithAHigherIsBetterRefinement() throws {
        let rules = PresetRules(
            include: [
                .init(prefix: "lm_eval/", direction: .lowerIsBetter),
                .init(prefix: "lm_eval/arc_", direction: .higherIsBetter),
            ],
            requiredSuffix: nil,
            excluded: ["lm_eval/arc_easy/acc_norm"],
            exceptions: [.init(prefix: "lm_eval/hellaswag", allowed: ["lm_eval/hellaswag_0shot/bpb"])])
        let names = ["run_name", "lm_eval/arc_easy/acc", "lm_eval/arc_easy/acc_norm", "lm_eval/piqa/bpb",
                     "lm_eval/hellaswag_5shot/bpb", "lm_eval/hellaswag_0shot/bpb", "eval/paloma/c4_en/bpb"]
        #expect(rules.taskColumns(in: names)
                == ["lm_eval/arc_easy/acc", "lm_eval/piqa/bpb", "lm_eval/hellaswag_0shot/bpb"])
        #expect(rules.direction(of: "lm_eval/arc_easy/acc") == .higherIsBetter)   // longest prefix wins
        #expect(rules.direction(of: "lm_eval/piqa/bpb") == .lowerIsBetter)
        #expect(rules.direction(of: "lm_eval/arc_easy/acc_norm") == nil)
        #expect(TaskSelection.Preset.reference.rules == PresetRules.reference)
    }

    @Test func noTaskColumnsIsAnError() throws {
        let m = try EvalMatrix(csv: "run_name,eval/agentic_coding/a/bpb\nr1,1\n", source: "x.csv")
        #expect(throws: AnalysisError.noTaskColumns(file: "x.csv")) { try m.taskColumns() }
    }

    @Test func referenceIsWrittenAsItsPresetName() throws {
        let data = try JSONEncoder().encode(TaskSelection.reference)
        #expect(String(decoding: data, as: UTF8.self) == #"{"preset":"reference"}"#)
        #expect(try JSONDecoder().decode(TaskSelection.self, from: data) == .reference)
        #expect(TaskSelection.reference.isReferencePreset)
        #expect(!TaskSelection.patterns(include: ["*"]).isReferencePreset)
    }
}

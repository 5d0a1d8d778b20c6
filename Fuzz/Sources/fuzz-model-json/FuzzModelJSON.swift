// libFuzzer target: arbitrary bytes as a `model.json` (FittedModel(json:source:)).
//
// Every input must either be refused with an `AnalysisError` naming the file on
// one line, or give a model whose shapes fit together and that scores runs
// without trapping: a run on every task (one standard deviation above each
// task's mean) and a run on the first task only, ranked among the model's
// sweep with its noise law. Whatever the scoring accepts must give finite
// aggregates, sds ≥ 0, and ranks inside 1…n+1.

import Foundation
import IRTModel

/// A CSV field, quoted per Unicode scalar (a `"` joined by a combining mark is one `Character`).
func field(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars { out.unicodeScalars.append(scalar); if scalar == "\"" { out += "\"" } }
    return out + "\""
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    do {
        let model = try FittedModel(json: bytes, source: "model.json")
        let k = model.factorCount
        precondition(!model.tasks.isEmpty && k >= 1, "an empty model accepted")
        precondition(model.tasks.allSatisfy { $0.loadings.count == k }, "ragged loadings accepted")
        precondition(model.sweep.theta.count == model.sweep.runNames.count, "sweep arrays of different lengths accepted")
        precondition(!model.sweep.runNames.isEmpty, "an empty sweep accepted")
        precondition(Set(model.tasks.map(\.name)).count == model.tasks.count, "duplicate task names accepted")
        let header = "run_name," + model.tasks.map { field($0.name) }.joined(separator: ",")
        let full = model.tasks.map { task in "\(task.direction.sign * (task.mean + task.sd))" }.joined(separator: ",")
        let first = "\(model.tasks[0].direction.sign * model.tasks[0].mean)" + String(repeating: ",", count: model.tasks.count - 1)
        if let runs = try? EvalMatrix(csv: "\(header)\nfull,\(full)\nfirst,\(first)\n", source: "runs.csv"),
           let scores = try? model.score(runs) {
            precondition(scores.aggregate.allSatisfy(\.isFinite), "a non-finite aggregate: \(scores.aggregate)")
            precondition(scores.aggregateSD.allSatisfy { $0.isFinite && $0 >= 0 }, "a bad sd: \(scores.aggregateSD)")
            precondition(scores.theta.rows == scores.runNames.count, "θ rows")
            let ranks = RankAmongSweep(runs: model.noise(of: scores), sweep: model.sweepNoise, draws: 20, seed: 1)
            let n = model.sweep.runNames.count
            precondition(ranks.rank.allSatisfy { (1...n + 1).contains($0) }, "a rank outside 1…n+1: \(ranks.rank)")
            precondition(ranks.interval.allSatisfy { $0[0] >= 1 && $0[0] <= $0[1] && $0[1] <= n + 1 }, "a bad interval")
        }
        // A model that decodes encodes and decodes to itself.
        if let again = try? model.encoded() { precondition((try? FittedModel(json: again, source: "m")) == model, "round trip changed the model") }
    } catch {
        precondition(error.description.hasPrefix("model.json: "), "message does not name the file: \(error)")
        precondition(!error.description.contains("\n"), "a message of two lines: \(error)")
    }
    return 0
}

// SwiftPM links an executable target with `main` defined as `<module>_main`,
// so libFuzzer's own `main` is never used: start its driver from here.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("fuzz_model_json_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzModelJSON)
}

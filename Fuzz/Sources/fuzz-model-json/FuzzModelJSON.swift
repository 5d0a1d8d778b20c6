// libFuzzer target: arbitrary bytes as a `model.json` (FittedModel(json:source:)).
//
// Every input must either be refused with an `AnalysisError` naming the file on
// one line, or give a model whose shapes fit together and that scores a run of
// its first task without trapping.

import Foundation
import IRTModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    do {
        let model = try FittedModel(json: bytes, source: "model.json")
        let k = model.factorCount
        precondition(!model.tasks.isEmpty && k >= 1, "an empty model accepted")
        precondition(model.tasks.allSatisfy { $0.loadings.count == k }, "ragged loadings accepted")
        precondition(model.sweep.theta.count == model.sweep.runNames.count, "sweep arrays of different lengths accepted")
        let task = model.tasks[0].name.replacingOccurrences(of: "\"", with: "\"\"")
        if let runs = try? EvalMatrix(csv: "run_name,\"\(task)\"\nr1,0.5\n", source: "runs.csv") {
            _ = try? model.score(runs)
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

// libFuzzer target: task selection on random headers.
//
// The input is split at the first 0x00 byte: before it, header names (one
// per line); after it, a `TaskSelection` as JSON. The reference selection and
// the decoded one (when it decodes) are applied to the names; the result must
// be the names that have a direction, in file order, and a sweep built from
// those names must read back with the same tasks.

import Foundation
import IRTModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTaskSelection(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0) ?? bytes.count
    let names = String(decoding: bytes[..<split], as: UTF8.self)
        .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var selections = [TaskSelection.reference]
    if split < bytes.count, let custom = try? JSONDecoder().decode(TaskSelection.self, from: Data(bytes[(split + 1)...])) {
        selections.append(custom)
        // Codable round trip.
        let again = try? JSONDecoder().decode(TaskSelection.self, from: JSONEncoder().encode(custom))
        precondition(again == custom, "TaskSelection does not survive a JSON round trip")
    }
    for selection in selections {
        let tasks = selection.taskColumns(in: names)
        precondition(tasks == names.filter { selection.direction(of: $0) != nil }, "taskColumns disagrees with direction(of:)")
        for task in tasks {
            if let suffix = selection.requiredSuffix { precondition(task.hasSuffix(suffix)) }
            precondition(!selection.excluded.contains(task), "an excluded name is a task")
            precondition(selection.include.contains { task.hasPrefix($0.prefix) }, "a task matches no include rule")
        }
    }
    // The names as a sweep header (quoted, so commas and line breaks survive),
    // two runs of distinct numbers: the reader must find the same task columns.
    // Unique as the reader compares them: trimmed, and by Swift's String equality (canonical equivalence).
    var seen = Set<String>()
    let unique = names.map { $0.trimmingCharacters(in: .whitespaces) }.filter { seen.insert($0).inserted }
    guard !unique.isEmpty, unique.count < 200 else { return 0 }
    // Doubled per scalar: `replacingOccurrences` misses a quote that a combining mark joins (U+0022 U+032A).
    func quoted(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        out.append("\"")
        for scalar in s.unicodeScalars {
            if scalar == "\"" { out.append("\"") }
            out.append(scalar)
        }
        out.append("\"")
        return String(out)
    }
    var csv = unique.map(quoted).joined(separator: ",") + "\n"
    for r in 1...2 { csv += unique.indices.map { "\(r * 1000 + $0)" }.joined(separator: ",") + "\n" }
    do {
        let sweep = try EvalMatrix(csv: csv, source: "fuzz.csv")
        precondition(sweep.columnNames == unique, "header did not read back: \(sweep.columnNames) vs \(unique)")
        let tasks = TaskSelection.reference.taskColumns(in: sweep.columnNames)
        if !tasks.isEmpty {
            let x = try sweep.numericMatrix(columns: tasks)
            precondition(x.rows == 2 && x.columns == tasks.count)
        }
    } catch {
        fatalError("a quoted header of unique names failed to read: \(error)\n\(csv.debugDescription)")
    }
    return 0
}

// SwiftPM links an executable target with `main` defined as `<module>_main`,
// so libFuzzer's own `main` is never used: start its driver from here.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("fuzz_task_selection_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzTaskSelection)
}

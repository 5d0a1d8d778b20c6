// libFuzzer target: arbitrary bytes as an `--em-init` file.
//
// Every input must either be refused with a `ReportError` naming the file or
// give p rows of k finite numbers in [0, InitialLoadings.maximumMagnitude].

import Foundation
import IRTCommandLine

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInitialLoadings(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    // The first byte (when present) chooses --factors: absent, or 0...7.
    let factors: Int? = size > 0 && data[0] < 8 ? Int(data[0]) : nil
    for k in [nil, factors] {
        do {
            let rows = try InitialLoadings.parse(bytes, file: "init.json", factors: k)
            precondition(!rows.isEmpty && !rows[0].isEmpty, "empty Λ0 accepted")
            let width = rows[0].count
            if let k { precondition(width == k, "--factors \(k) but \(width) columns") }
            for row in rows {
                precondition(row.count == width, "ragged Λ0 accepted")
                for x in row {
                    precondition(x.isFinite && x >= 0 && x <= InitialLoadings.maximumMagnitude, "bad loading \(x) accepted")
                }
            }
        } catch {
            precondition(error.description.hasPrefix("--em-init init.json: "), "message does not name the file: \(error)")
            precondition(!error.description.contains("\n"), "a message of two lines: \(error)")
        }
    }
    return 0
}

// SwiftPM links an executable target with `main` defined as `<module>_main`,
// so libFuzzer's own `main` is never used: start its driver from here.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("fuzz_em_init_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzInitialLoadings)
}

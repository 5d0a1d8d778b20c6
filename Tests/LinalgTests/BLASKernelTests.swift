@testable import Linalg
import Testing

/// The kernel check's decisions, from given CPU flags and environments (the
/// machine running the tests only supplies the last test's facts). That
/// `irt-report` acts on them is KernelReexecutionTests (IRTCommandLineTests).
@Suite("BLAS kernel check")
struct BLASKernelTests {
    static let avx512 = "fpu sse sse2 ssse3 sse4_1 sse4_2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl"

    @Test("CPU flags come from the first flags line of /proc/cpuinfo")
    func parseFlags() {
        let cpuinfo = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            flags\t\t: fpu vme  avx2\tfma avx512f
            bugs\t\t: spectre_v1
            processor\t: 1
            flags\t\t: something else
            """
        #expect(BLASKernel.cpuFlags(cpuinfo: cpuinfo) == ["fpu", "vme", "avx2", "fma", "avx512f"])
        #expect(BLASKernel.cpuFlags(cpuinfo: "processor : 0\nFeatures : fp asimd\n").isEmpty)
        #expect(BLASKernel.cpuFlags(cpuinfo: "").isEmpty)
    }

    @Test("the best kernel the flags allow", arguments: [
        (avx512, "SkylakeX"),
        ("avx2 fma avx512f avx512dq", "Haswell"),  // AVX-512 without BW/VL: not SkylakeX
        ("sse3 avx avx2 fma", "Haswell"),
        ("sse3 avx avx2", nil),  // no FMA
        ("sse3 sse4_2 avx", nil),
        ("", nil),
    ] as [(String, String?)])
    func bestKernel(flags: String, expected: String?) {
        let set = Set(flags.split(separator: " ").map(String.init))
        #expect(BLASKernel.bestSupportedKernel(cpuFlags: set) == expected)
    }

    @Test("a recommendation only for a generic fallback, a better CPU and no OPENBLAS_CORETYPE")
    func recommendation() {
        let flags = Set(Self.avx512.split(separator: " ").map(String.init))
        let haswellOnly: Set<String> = ["avx2", "fma"]
        #expect(BLASKernel.recommendedCoreType(current: "Prescott", cpuFlags: flags, environment: [:]) == "SkylakeX")
        #expect(BLASKernel.recommendedCoreType(current: "CORE2", cpuFlags: flags, environment: ["PATH": "/bin"]) == "SkylakeX")
        #expect(BLASKernel.recommendedCoreType(current: "Katmai", cpuFlags: haswellOnly, environment: [:]) == "Haswell")
        // The variable is somebody's choice, even empty, even the slow one.
        #expect(BLASKernel.recommendedCoreType(current: "Prescott", cpuFlags: flags,
                                              environment: ["OPENBLAS_CORETYPE": "Prescott"]) == nil)
        #expect(BLASKernel.recommendedCoreType(current: "Prescott", cpuFlags: flags,
                                              environment: ["OPENBLAS_CORETYPE": ""]) == nil)
        // Not a fallback: leave it.
        for kernel in ["Haswell", "SkylakeX", "Cooperlake", "Zen", "Sandybridge"] {
            #expect(BLASKernel.recommendedCoreType(current: kernel, cpuFlags: flags, environment: [:]) == nil, "\(kernel)")
        }
        // Nothing better to ask for.
        #expect(BLASKernel.recommendedCoreType(current: "Prescott", cpuFlags: ["sse3"], environment: [:]) == nil)
        #expect(BLASKernel.isGeneric("prescott") && BLASKernel.isGeneric("Nehalem") && !BLASKernel.isGeneric("Haswell"))
    }

    @Test("the warning names the variable and is delivered once")
    func warningOnce() {
        let message = BLASKernel.fallbackMessage(current: "Prescott", recommended: "SkylakeX")
        #expect(message.contains("OPENBLAS_CORETYPE=SkylakeX") && message.contains("Prescott"))
        let latch = OnceLatch()
        #expect(latch.take(nil) == nil, "nothing to say does not use up the one delivery")
        #expect(latch.take(message) == message)
        #expect(latch.take(message) == nil)
    }

    @Test("this process: the kernel name, and a warning only if there is a recommendation, once")
    func thisProcess() {
        #expect(!BLASKernel.current.isEmpty && BLASKernel.current == BLASThreading.coreName)
        let recommended = BLASKernel.recommendedCoreType()
        let first = BLASKernel.fallbackWarning, second = BLASKernel.fallbackWarning
        #expect(second == nil)
        if let recommended {
            #expect(first?.contains("OPENBLAS_CORETYPE=\(recommended)") == true)
        } else {
            #expect(first == nil)
        }
    }
}

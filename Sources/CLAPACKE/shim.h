#ifndef IRTKIT_CLAPACKE_SHIM_H
#define IRTKIT_CLAPACKE_SHIM_H
// CBLAS from OpenBLAS (pkg-config `openblas` adds its include directory) and
// the LAPACKE C interface (Debian's liblapacke-dev, /usr/include/lapacke.h).
#include <cblas.h>
#include <lapacke.h>

// OpenBLAS thread control, declared in OpenBLAS's cblas.h; re-declared here
// only as documentation of what the Swift side uses.
#endif

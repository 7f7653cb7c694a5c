"""The two compiled parts of the wheel (the rest is in pyproject.toml).

- zmqsocket/libzmqsocket<EXT_SUFFIX>: the repository's crate (../../Cargo.toml)
  built by setuptools-rust as its cdylib and copied into the package; the
  module loads it with ctypes. The cargo arguments name the crate's own
  three crate types, so that this is the same build as `cargo build
  --release` (make lib): cargo reuses the checkout's target/ instead of
  building the library a second time (set CARGO_TARGET_DIR to build
  elsewhere).
- zmqsocket._fast: a small CPython extension (zmqsocket/_fast.c) for
  Socket.send and Socket.recv. It links nothing: at import it finds the
  library ctypes loaded (dlopen RTLD_NOLOAD, same path) and calls that
  one, so there is one library, one handle table and one context.
"""

import os

from setuptools import Extension, setup
from setuptools_rust import Binding, RustExtension

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))

setup(
    rust_extensions=[
        RustExtension(
            "zmqsocket.libzmqsocket",
            path=os.path.join(REPO, "Cargo.toml"),
            binding=Binding.NoBinding,
            args=["--crate-type", "cdylib", "--crate-type", "staticlib",
                  "--crate-type", "rlib"],
        )
    ],
    ext_modules=[
        Extension(
            "zmqsocket._fast",
            sources=["zmqsocket/_fast.c"],
            include_dirs=[os.path.join(REPO, "include")],
            libraries=["dl"],
            extra_compile_args=["-O2", "-Wall", "-Wextra", "-Werror"],
        )
    ],
)

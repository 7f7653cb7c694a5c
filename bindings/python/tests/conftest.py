"""Which zmqsocket the suite tests.

run-tests.sh installs the wheel into a fresh venv and sets
ZMQSOCKET_TEST_INSTALLED=1: the suite then imports the installed package
(and test_loading.py checks that it did). Without it, the checkout's
package (bindings/python/zmqsocket, pure ctypes unless built in place) is
put first on sys.path, so the suite runs from a checkout with no install.
"""

import os
import sys

INSTALLED = os.environ.get("ZMQSOCKET_TEST_INSTALLED") == "1"

if not INSTALLED:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytest_plugins = ["pytester"]

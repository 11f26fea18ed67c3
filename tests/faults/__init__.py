"""Fault scenarios: what the integration does, and what a user sees, in each fault.

One module per fault family, each against real servers on 127.0.0.1 (the
fixtures of tests/conftest.py, the servers of tests/servers):

1. test_fault_cannot_connect: the server cannot be reached.
2. test_fault_dies_while_connected: the connection dies while connected.
3. test_fault_hostile_input: hostile or odd input from the server.
4. test_fault_flood, test_fault_recorder: a flood of messages; what the
   recorder is asked to store.
5. test_fault_outbound: sending while the connection is in trouble.
6. test_fault_lifecycle: unload, reload and stop at awkward moments.
7. test_fault_security: consent, secrets kept out of sight, ws:// and wss:// only.
"""

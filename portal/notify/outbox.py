"""The `outbox` SMS backend: nothing leaves the portal; messages stay in the outbox table.

It fails on demand, so retries and final failures can be seen in tests and demos. The numbers
are in the +7 799 range, which no Kazakh operator uses:

| number           | what the simulated gateway does                                         |
|------------------|-------------------------------------------------------------------------|
| +7 799 000 00 01 | fails transiently on attempts 1 and 2, accepts on attempt 3             |
| +7 799 000 00 02 | fails transiently on every attempt: failed after SMS_MAX_ATTEMPTS        |
| +7 799 000 00 03 | refuses at once ("number not in service"): failed, no retry              |

Every other valid number is accepted on the first attempt.
"""

from __future__ import annotations

from typing import Final

from portal.notify.sms import PermanentSmsError, SmsRequest, TransientSmsError

FAILS_TWICE: Final = "+77990000001"
ALWAYS_TRANSIENT: Final = "+77990000002"
PERMANENT: Final = "+77990000003"


class OutboxGateway:
    name = "outbox"
    simulated = True

    def send(self, request: SmsRequest) -> str:
        if request.phone == ALWAYS_TRANSIENT or (request.phone == FAILS_TWICE
                                                 and request.attempt <= 2):
            raise TransientSmsError("simulated: operator gateway timed out")
        if request.phone == PERMANENT:
            raise PermanentSmsError("simulated: number not in service")
        return f"outbox-{request.reference}"

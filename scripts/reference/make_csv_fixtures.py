#!/usr/bin/python3
"""Synthetic CSV fixtures for the device layouts the CSV reader must read, for tests/cpp/csv_test.cpp.

Usage: /usr/bin/python3 scripts/reference/make_csv_fixtures.py   (rewrites the files below, byte-identically)

  polar_h10_ecg.txt       Polar H10 ECG as the Polar Sensor Logger app writes it: ';'-separated,
                          "Phone timestamp;sensor timestamp [ns];timestamp [ms];ecg [uV]", 130 Hz, µV.
                          The phone timestamp is when a Bluetooth packet (73 samples) arrived, so it
                          repeats within a packet; the sensor's nanosecond clock stamps every sample;
                          the millisecond column counts from the first sample. 10 s.
  seconds_time_column.csv a time column known only by its unit ("Zeit [s]", a German export), 250 Hz,
                          no rate stated, three leads in mV. 2 s.
  ms_time_column.csv      Unix-epoch millisecond stamps ("timestamp [ms]"), 250 Hz, no rate stated,
                          three leads in mV. 2 s.

The ECG is a sum of Gaussian P, Q, R, S and T waves at about 70 beats per minute with a slow
baseline wander (the values are deterministic).
"""
import datetime
import math
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "csv")

# (offset from the R peak in s, width in s, amplitude relative to R)
WAVES = [(-0.16, 0.025, 0.12), (-0.03, 0.010, -0.10), (0.0, 0.012, 1.0), (0.03, 0.010, -0.25), (0.26, 0.045, 0.3)]


def ecg_mv(t, lead=0):
    """A plausible ECG in mV at time t (s): R peaks every 0.86 s, slightly varying, lead-dependent gain."""
    gain = (1.0, 1.3, -0.4)[lead % 3]
    v = 0.0
    for k in range(-1, int(t / 0.86) + 2):
        r = 0.4 + k * 0.86 + 0.02 * math.sin(k * 1.7)
        for offset, width, amp in WAVES:
            v += amp * math.exp(-(((t - r - offset) / width) ** 2))
    return gain * v + 0.05 * math.sin(2 * math.pi * 0.25 * t)


def write(name, lines):
    with open(os.path.join(OUT, name), "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def polar():
    fs, seconds, packet = 130, 10, 73
    ns0 = 599618523184386304  # the sensor's clock: nanoseconds since 2000-01-01
    start = datetime.datetime(2024, 3, 1, 10, 15, 2, 123000)
    lines = ["Phone timestamp;sensor timestamp [ns];timestamp [ms];ecg [uV]"]
    for i in range(fs * seconds):
        ns = ns0 + round(i * 1e9 / fs)
        last_of_packet = min((i // packet + 1) * packet, fs * seconds) - 1
        arrival = start + datetime.timedelta(seconds=last_of_packet / fs + 0.031 + 0.004 * (i // packet % 3))
        phone = arrival.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (arrival.microsecond // 1000)
        ms = "%.6f" % ((ns - ns0) / 1e6)
        ms = ms.rstrip("0") + ("0" if ms.rstrip("0").endswith(".") else "")
        lines.append("%s;%d;%s;%d" % (phone, ns, ms, round(1000 * ecg_mv(i / fs))))
    write("polar_h10_ecg.txt", lines)


def leads_csv(name, time_header, stamp, fs=250, seconds=2):
    lines = [time_header + ",I [mV],II [mV],V1 [mV]"]
    for i in range(fs * seconds):
        lines.append(stamp(i, fs) + "," + ",".join("%.4f" % (round(ecg_mv(i / fs, lead), 4) + 0.0) for lead in range(3)))
    write(name, lines)


def main():
    polar()
    leads_csv("seconds_time_column.csv", "Zeit [s]", lambda i, fs: "%.3f" % (i / fs))
    leads_csv("ms_time_column.csv", "timestamp [ms]", lambda i, fs: "%d" % (1709288102000 + i * 1000 // fs))


if __name__ == "__main__":
    main()

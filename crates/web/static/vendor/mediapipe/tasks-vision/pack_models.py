"""Packs the pose model bundles (`pose_landmarker_lite.task`, `pose_landmarker_full.task`) that
MediaPipe Tasks' PoseLandmarker loads, from the models in the npm package `@mediapipe/pose`
(Apache-2.0): the pose detector (that package's `pose_solution_packed_assets.data` is exactly
`pose_detection.tflite`, see its `pose_solution_packed_assets_loader.js`) and the lite and full
landmark models. Google's own `.task` files are downloaded from its storage at run time, which
we never do; these are the same networks.

MediaPipe Tasks reads how to scale a picture's pixels for a model from the model's TFLite
metadata, which the older models lack, so this adds it: the detector takes pixels scaled to
[-1, 1] (mean 127.5, std 127.5) and the landmark model to [0, 1] (mean 0, std 255), as in the
older package's graphs. A `.task` file is a zip of the two models, stored uncompressed.

    npm pack @mediapipe/pose@0.5.1675469404 && tar xzf mediapipe-pose-0.5.1675469404.tgz
    python3 -m venv /tmp/mp && /tmp/mp/bin/pip install flatbuffers==25.12.19 mediapipe==1.2.3
    /tmp/mp/bin/python pack_models.py package .

The `mediapipe` wheel is used only for the two flatbuffer schemas it ships in Python
(`mediapipe/tasks/metadata/{schema,metadata_schema}_py_generated.py`).
"""

import importlib.util
import os
import sys
import zipfile

import flatbuffers

_spec = importlib.util.find_spec("mediapipe")
sys.path.insert(
    0, os.path.join(_spec.submodule_search_locations[0], "tasks", "metadata")
)
import metadata_schema_py_generated as md  # noqa: E402
import schema_py_generated as tfl  # noqa: E402


def with_metadata(path, name, mean, std):
    """The model at `path` with metadata saying its input is an RGB picture normalised as
    (pixel - mean) / std, and naming its outputs."""
    buf = open(path, "rb").read()
    model = tfl.ModelT.InitFromObj(tfl.Model.GetRootAsModel(buf, 0))
    if any(m.name in (b"TFLITE_METADATA", "TFLITE_METADATA") for m in model.metadata or []):
        raise SystemExit(f"{path} has metadata already")
    graph = model.subgraphs[0]

    def tensor(i):
        t = md.TensorMetadataT()
        raw = graph.tensors[i].name
        t.name = raw.decode() if isinstance(raw, bytes) else raw
        return t

    picture = tensor(graph.inputs[0])
    picture.content = md.ContentT()
    picture.content.contentPropertiesType = md.ContentProperties.ImageProperties
    picture.content.contentProperties = md.ImagePropertiesT()
    picture.content.contentProperties.colorSpace = md.ColorSpaceType.RGB
    norm = md.NormalizationOptionsT()
    norm.mean, norm.std = [mean], [std]
    unit = md.ProcessUnitT()
    unit.optionsType = md.ProcessUnitOptions.NormalizationOptions
    unit.options = norm
    picture.processUnits = [unit]
    picture.stats = md.StatsT()
    picture.stats.min, picture.stats.max = [(0 - mean) / std], [(255 - mean) / std]
    sub = md.SubGraphMetadataT()
    sub.inputTensorMetadata = [picture]
    sub.outputTensorMetadata = [tensor(i) for i in graph.outputs]
    meta = md.ModelMetadataT()
    meta.name, meta.minParserVersion, meta.subgraphMetadata = name, "1.0.0", [sub]
    b = flatbuffers.Builder(0)
    b.Finish(meta.Pack(b), file_identifier=b"M001")
    held = tfl.BufferT()
    held.data = list(bytes(b.Output()))
    model.buffers.append(held)
    entry = tfl.MetadataT()
    entry.name, entry.buffer = "TFLITE_METADATA", len(model.buffers) - 1
    model.metadata = (model.metadata or []) + [entry]
    b = flatbuffers.Builder(len(buf) + 4096)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def main(pose_package, out):
    detector = with_metadata(
        os.path.join(pose_package, "pose_solution_packed_assets.data"),
        "pose_detector",
        127.5,
        127.5,
    )
    for kind in ("lite", "full"):
        landmarks = with_metadata(
            os.path.join(pose_package, f"pose_landmark_{kind}.tflite"),
            "pose_landmarks_detector",
            0.0,
            255.0,
        )
        path = os.path.join(out, f"pose_landmarker_{kind}.task")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
            for name, data in (
                ("pose_detector.tflite", detector),
                ("pose_landmarks_detector.tflite", landmarks),
            ):
                # A fixed date, so that packing again gives the same bytes.
                z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
        print(path, os.path.getsize(path))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

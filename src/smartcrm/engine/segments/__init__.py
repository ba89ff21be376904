"""Customer segments: RFM scores with named segments, behavioural clusters described in words,
and movement between segments over time. See docs/models/segments.md."""

from smartcrm.engine.segments.clustering import BehaviourClusters as BehaviourClusters
from smartcrm.engine.segments.rfm import RFMSegmenter as RFMSegmenter
from smartcrm.engine.segments.transitions import segment_transitions as segment_transitions

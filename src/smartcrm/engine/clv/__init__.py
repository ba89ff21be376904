"""Customer lifetime value: BG/NBD (optionally corrected by a learnt factor) and Pareto/NBD
for purchases, Gamma-Gamma for spend.

Likelihoods are implemented with scipy (the ``lifetimes`` library is unmaintained and breaks
under pandas 3) and pinned to the published CDNOW figures in tests/engine/clv.
"""

from smartcrm.engine.clv.base import NotFittedError as NotFittedError
from smartcrm.engine.clv.bgnbd import BetaGeoModel as BetaGeoModel
from smartcrm.engine.clv.corrected import CorrectedBetaGeoModel as CorrectedBetaGeoModel
from smartcrm.engine.clv.forecast import CANDIDATES as CANDIDATES
from smartcrm.engine.clv.forecast import Candidate as Candidate
from smartcrm.engine.clv.gammagamma import GammaGammaModel as GammaGammaModel
from smartcrm.engine.clv.lifetime_value import LifetimeValueModel as LifetimeValueModel
from smartcrm.engine.clv.metrics import forecast_scores as forecast_scores
from smartcrm.engine.clv.paretonbd import ParetoNBDModel as ParetoNBDModel
from smartcrm.engine.clv.selection import select_default as select_default
from smartcrm.engine.clv.selection import training_split as training_split
from smartcrm.engine.clv.summary import summarise_transactions as summarise_transactions

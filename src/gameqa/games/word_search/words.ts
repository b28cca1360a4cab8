/** Words hidden in the grids (our own list of common English words, 3-8 letters). */
export const WORDS: readonly string[] = (
  "ant ape arm art axe bag bat bed bee bell bird boat bone book bowl box bread brick bridge brush cake camel camp candle " +
  "car card cart castle cat chair chalk cheese cherry chess clock cloud coat coin comet cone corn cow crab crown cup desk dice " +
  "dog doll door dove dragon drum duck eagle ear earth egg elbow engine eye fan farm feather fern field fig fire fish flag " +
  "flame flute fork fox frog garden gate gem ghost gift glass glove goat gold grape grass hammer hand harp hat hawk heart " +
  "helmet hill honey horse house ice island jam jar jelly jet kettle key kite knee knife ladder lake lamp leaf lemon lion lock " +
  "magnet map maple market mask melon milk mint mirror moon moth mouse mud nail nest net night nose nut oak ocean oil olive " +
  "onion orange owl paint palm pan paper peach pear pearl pen pencil piano pig pilot pine pipe planet plate plum pond pot " +
  "puzzle queen rabbit rain raven ring river road robot rock rope rose ruby sail salt sand saw scarf seal seed shell ship " +
  "shoe silver sky snail snake snow sock sofa spoon star stone storm sugar sun swan table tea tent tiger toast tomato tower " +
  "train tree truck tulip turtle van vase violin wagon wall wand water whale wheel wind window wolf wood wool yarn zebra"
)
  .split(" ")
  .map((w) => w.toUpperCase());

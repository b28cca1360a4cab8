/**
 * How to run each original Code2Logic generator (tongjingqi/Code2Logic `src/<game>/`) for about N
 * samples, for `npm run bench:gameqa`. One entry per game. Most originals hard-code their size in
 * the script; `patch` rewrites that constant in the bench's scratch copy (the bench fails loudly when
 * the text to patch is not found). `perUnit` is how many samples one unit makes (measured by running
 * each original with a small size); the bench reads the true count from the data file it wrote.
 * `shared` says whether the original asks several questions per image, so our side runs with
 * shared boards (several questions per image) or `--no-share-boards` (one image per sample) alike.
 */
export interface OriginalGenerator {
  game: string;
  /** Python script, run in a scratch copy of `src/<game>/` (published `*_example` folders removed). */
  script?: string;
  /** Command-line arguments for `units` units. */
  args?: (units: number) => string[];
  /** [file, exact text, replacement for `units`]: for originals that hard-code their size. */
  patch?: (units: number) => [file: string, find: string, replace: string];
  /** The data file the original writes, relative to its folder. */
  dataFile?: string;
  /** Samples one unit makes. */
  perUnit?: number;
  /** Several questions per image in the original. */
  shared?: boolean;
  /** Why the bench does not run this original. */
  cannotRun?: string;
  /** [file, Python source]: a driver of ours written into the scratch copy, for originals with no entry point to call. */
  driver?: [file: string, source: string];
}

const at = (file: string, find: string, replace: (u: number) => string) => (u: number) =>
  [file, find, replace(u)] as [string, string, string];

/**
 * klondike's original is a pygame program (src/main.py, class Game) with no command line: the
 * driver seeds Python's random (the original's Board() reseeds from the OS, so that call is
 * disabled), adds pygame.transform.scale_by where pygame is older than 2.1.3, and runs N datasets.
 * pygame.time.delay (100 ms after every question) is left in: the bench compares CPU time.
 */
const KLONDIKE_DRIVER = `import random, sys
sys.path.insert(0, "src")
random.seed(int(sys.argv[1]))
random.seed = lambda *args, **kwargs: None
import pygame
if not hasattr(pygame.transform, "scale_by"):
    def _scale_by(surface, factor):
        size = (round(surface.get_width() * factor), round(surface.get_height() * factor))
        return pygame.transform.scale(surface, size)
    pygame.transform.scale_by = _scale_by
from main import Game
Game(1280, 720, int(sys.argv[2])).run()
`;
export const ORIGINALS: OriginalGenerator[] = [
  {
    game: "sudoku",
    script: "data_generator.py",
    args: (u) => [String(u), "--output_dir", "out"],
    dataFile: "out/data.json",
    perUnit: 1,
    shared: false,
  },
  {
    game: "tictactoe",
    script: "main.py",
    args: (u) => ["--num", String(u)],
    dataFile: "tictactoe_dataset/data.json",
    perUnit: 3,
    shared: true,
  },
  { game: "maze", cannotRun: "the original is a Java/Gradle project (needs a JDK and Gradle downloads)" },
  {
    game: "lifegame",
    script: "generate_dataset.py",
    patch: at("generate_dataset.py", "    generate_dataset(500)", (u) => `    generate_dataset(${u})`),
    dataFile: "lifegame_dataset/data.json",
    perUnit: 1,
    shared: false,
  },
  {
    game: "langton_ant",
    script: "dataset_generator.py",
    patch: at(
      "dataset_generator.py",
      "generate_dataset(dataset_size=56,",
      (u) => `generate_dataset(dataset_size=${u},`,
    ),
    dataFile: "data.json",
    perUnit: 9,
    shared: true,
  },
  {
    game: "tetris",
    script: "main.py",
    args: (u) => ["--num_grids", String(u), "--output_dir", "out"],
    dataFile: "out/data.json",
    perUnit: 32,
    shared: false,
  },
  {
    game: "3DReconstruction",
    script: "main.py",
    args: (u) => ["--total", String(u)],
    dataFile: "reconstruction_dataset/data.json",
    perUnit: 1,
    shared: false,
  },
  {
    game: "space_invaders",
    script: "main.py",
    args: (u) => ["--num-qa", String(u), "--output-dir", "out", "--cover-exist"],
    dataFile: "out/data.json",
    perUnit: 2,
    shared: true,
  },
  {
    game: "minesweeper",
    script: "main.py",
    patch: at("main.py", "num_samples = 10 ", (u) => `num_samples = ${u} `),
    dataFile: "minesweeper_dataset_example/data.json",
    perUnit: 30,
    shared: true,
  },
  {
    game: "word_search",
    script: "main.py",
    patch: at("main.py", "generate_dataset(num_problems=5000)", (u) => `generate_dataset(num_problems=${u})`),
    dataFile: "word_search_dataset/data.json",
    perUnit: 1,
    shared: false,
  },
  {
    game: "2d_turing_machine",
    script: "main.py",
    patch: at("main.py", "    num_boards = 500 ", (u) => `    num_boards = ${u} `),
    dataFile: "2d_turing_machine_dataset/data.json",
    perUnit: 1,
    shared: false,
  },
  {
    game: "3d_maze",
    script: "main.py",
    patch: at("main.py", "    generate_mixed_dataset(15)", (u) => `    generate_mixed_dataset(${u})`),
    dataFile: "3d_maze_dataset/data.json",
    perUnit: 1,
    shared: false,
  },
  {
    game: "hue",
    script: "main.py",
    patch: at(
      "main.py",
      "    dataset = generate_dataset(5000)",
      (u) => `    dataset = generate_dataset(${u})`,
    ),
    dataFile: "hue_dataset/data.json",
    perUnit: 1,
    shared: false,
  },
  {
    game: "pacman",
    script: "main.py",
    patch: at("main.py", "    num_samples_per_level = 2 ", (u) => `    num_samples_per_level = ${u} `),
    dataFile: "pacman_dataset_example/data.json",
    perUnit: 30,
    shared: true,
  },
  {
    game: "rubiks_cube",
    script: "main.py",
    patch: at("main.py", "generate_dataset(num_cubes=116)", (u) => `generate_dataset(num_cubes=${u})`),
    dataFile: "rubiks_cube_dataset/data.json",
    perUnit: 4.3,
    shared: true,
  },
  {
    game: "snake",
    script: "gen_qa.py",
    // The original draws qa_num / 5 questions of each of its 5 kinds: keep it a multiple of 5.
    patch: at("gen_qa.py", "\nqa_num=20\n", (u) => `\nqa_num=${5 * Math.ceil(u / 5)}\n`),
    dataFile: "snake_dataset/data.json",
    perUnit: 1,
    shared: false,
  },
  {
    game: "sokoban",
    script: "main.py",
    patch: at("main.py", "generate_dataset(num_boards=3)", (u) => `generate_dataset(num_boards=${u})`),
    dataFile: "sokoban_dataset/data.json",
    perUnit: 4.7,
    shared: true,
  },
  {
    game: "star-battle",
    script: "star-battle.py",
    patch: at("star-battle.py", "    num_puzzles= 1 ", (u) => `    num_puzzles= ${u} `),
    dataFile: "star-battle_dataset/data.json",
    perUnit: 12,
    shared: true,
  },
  {
    game: "tents",
    script: "tents_generator.py",
    patch: at("tents_generator.py", "\nnum_puzzles = 24 ", (u) => `\nnum_puzzles = ${u} `),
    dataFile: "tents_dataset/data.json",
    perUnit: 21,
    shared: true,
  },
  {
    game: "zuma",
    script: "gene_dataset.py",
    patch: at("gene_dataset.py", "    dataset_size = 100\n", (u) => `    dataset_size = ${u}\n`),
    dataFile: "data.json",
    perUnit: 5,
    shared: true,
  },
  {
    // Issue 16. pygame draws on plain surfaces (pygame.init() without a window): runs headless.
    game: "ultra_tictactoe",
    script: "ultra_tictactoe_data_generator.py",
    patch: at(
      "ultra_tictactoe_data_generator.py",
      "    easy_image_num = 1\n    medium_image_num = 1\n    hard_image_num = 1\n",
      (u) => `    easy_image_num = ${u}\n    medium_image_num = ${u}\n    hard_image_num = ${u}\n`,
    ),
    dataFile: "ultra_tictactoe_dataset/data.json",
    perUnit: 21, // one board per level and unit, 7 questions each
    shared: true,
  },
  {
    game: "rhythm_game",
    script: "rhythm_game_data_generator.py",
    // The script makes images/ and states/ in its working folder but saves boards under
    // rhythm_game_dataset/images/, which it never creates: write everything to the working folder.
    patch: at(
      "rhythm_game_data_generator.py",
      "    file_path = 'rhythm_game_dataset'\n    os.makedirs(file_path, exist_ok=True)\n\n    file_name = 'data.json'\n    data_path = os.path.join(file_path, file_name)\n\n    easy_image_num = 24\n    medium_image_num = 24\n    hard_image_num = 24\n",
      (u) =>
        `    file_path = '.'\n    file_name = 'data.json'\n    data_path = os.path.join(file_path, file_name)\n\n    easy_image_num = ${u}\n    medium_image_num = ${u}\n    hard_image_num = ${u}\n`,
    ),
    dataFile: "data.json",
    perUnit: 21, // fewer when task 3 finds no snake head above row 1; the bench counts the data file
    shared: true,
  },
  {
    game: "spider_solitaire",
    script: "main.py",
    patch: at("main.py", "    num_samples_per_level = 1 ", (u) => `    num_samples_per_level = ${u} `),
    dataFile: "spider_solitaire_dataset_example/data.json",
    perUnit: 30, // one board per level and unit, 10 questions each
    shared: true,
  },
  {
    game: "klondike",
    script: "assay_driver.py",
    driver: ["assay_driver.py", KLONDIKE_DRIVER],
    args: (u) => ["77", String(u)],
    dataFile: "klondike_dataset/data.json",
    perUnit: 3, // one dataset of three questions per unit, a board and image per question
    shared: false,
  },
];

/**
 * Stand-in for the `tqdm` progress-bar package, which some originals import only to draw progress
 * bars; put on PYTHONPATH when the interpreter lacks it. Our own few lines.
 */
export const TQDM_SHIM = `class tqdm:
    def __init__(self, iterable=None, *args, **kwargs):
        self.iterable = iterable
    def __iter__(self):
        return iter(self.iterable if self.iterable is not None else [])
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False
    def update(self, *args, **kwargs):
        pass
    def set_description(self, *args, **kwargs):
        pass
    def set_postfix(self, *args, **kwargs):
        pass
    def write(self, *args, **kwargs):
        pass
    def close(self):
        pass
def trange(*args, **kwargs):
    return tqdm(range(*args))
`;
